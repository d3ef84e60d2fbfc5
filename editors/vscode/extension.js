// extension.js — starts `procmap lsp` for .pmap files (and .yaml models
// opened as pmap); everything else comes from the server.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('procmap').get('path') || 'procmap';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient('procmap', 'procmap', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'pmap' }, { scheme: 'untitled', language: 'pmap' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/.procmap.yaml') },
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
