import { describe } from 'vitest';
import { cases } from './cases/flows.js';
import { runCorpus } from './runner.js';

describe('bad-input corpus: capital flows', () => runCorpus(cases));
