// Starts `mtfix lsp` for plain text and Markdown files. Build: npm install && npm run package,
// then install the .vsix (Extensions: Install from VSIX…).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("mtfix").get("command");
  client = new LanguageClient(
    "mtfix",
    "mtfix",
    { command, args },
    { documentSelector: [{ language: "plaintext" }, { language: "markdown" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
