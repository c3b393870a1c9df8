"""`mtfix lsp`: the checks of `mtfix scan` served to editors over the Language Server Protocol
(needs the `lsp` extra). `analysis` holds what the server knows about each open document and
needs no LSP package; `server` speaks the protocol."""
