import { describe } from 'vitest';
import { cases } from './cases/audit.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: audit', () => runCorpus(cases));
