import { describe } from 'vitest';
import { cases } from './cases/cli.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: cli', () => runCorpus(cases));
