"""Assets of the HTML report (the page template), read as package data."""
