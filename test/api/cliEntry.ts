import { main } from '../../src/cli/main.js';

// The CLI from its TypeScript source, for tests that need `basis` as a separate process (bin/basis.js runs dist/).
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 70;
  },
);
