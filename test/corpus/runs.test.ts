import { describe } from 'vitest';
import { cases } from './cases/runs.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: runs', () => runCorpus(cases));
