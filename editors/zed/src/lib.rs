//! Zed starts `mtfix lsp` (found on the PATH of the project's environment) for Markdown and
//! plain text.
use zed_extension_api as zed;

struct Mtfix;

impl zed::Extension for Mtfix {
    fn new() -> Self {
        Mtfix
    }

    fn language_server_command(
        &mut self,
        _server: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<zed::Command> {
        let command = worktree
            .which("mtfix")
            .ok_or_else(|| "mtfix is not on PATH: pip install 'mtfix[lsp]'".to_string())?;
        Ok(zed::Command { command, args: vec!["lsp".into()], env: Vec::new() })
    }
}

zed::register_extension!(Mtfix);
