"""mtfix inside engines people already run: Ray Data (`mtfix.integrations.ray`) and
datatrove (`mtfix.integrations.datatrove`). Both score whole documents with the same
Checker as `mtfix score`, so a corpus gets the same figures whichever engine scores it."""
