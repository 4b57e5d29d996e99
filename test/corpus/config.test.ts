import { describe } from 'vitest';
import { cases } from './cases/config.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: config', () => runCorpus(cases));
