import { describe } from 'vitest';
import { cases } from './cases/invariants.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: invariants', () => runCorpus(cases));
