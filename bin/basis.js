#!/usr/bin/env node
// The CLI runs the compiled output in dist/ (built by `npm install` through the `prepare` script):
// compiled JS starts in ~60 ms where a TypeScript loader adds ~300 ms to every command.
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 70; },
);
