"""`mtfix review`: go through suggestions one sentence at a time and accept, reject or edit
them. The session (session.py) holds the state; tui.py and lines.py are two views of it."""
