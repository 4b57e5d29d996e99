import { describe } from 'vitest';
import { cases } from './cases/data.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: data', () => runCorpus(cases));
