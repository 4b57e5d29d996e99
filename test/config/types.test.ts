import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AaveParams, CexVenueParams, CostParams, EngineParams, ModeParams, RiskParams, StrategyParams } from '../../src/domain/params.js';
import type {
  aaveSchema,
  cexVenueParamsSchema,
  costsSchema,
  engineSchema,
  modeParamsSchema,
  riskSchema,
  strategySchema,
} from '../../src/config/schema.js';

describe('zod schemas infer exactly the params.ts interfaces', () => {
  it('mode, strategy, risk', () => {
    expectTypeOf<z.infer<typeof modeParamsSchema>>().toEqualTypeOf<ModeParams>();
    expectTypeOf<z.infer<typeof strategySchema>>().toEqualTypeOf<StrategyParams>();
    expectTypeOf<z.infer<typeof riskSchema>>().toEqualTypeOf<RiskParams>();
  });
  it('cex, aave, costs, engine', () => {
    expectTypeOf<z.infer<typeof cexVenueParamsSchema>>().toEqualTypeOf<CexVenueParams>();
    expectTypeOf<z.infer<typeof aaveSchema>>().toEqualTypeOf<AaveParams>();
    expectTypeOf<z.infer<typeof costsSchema>>().toEqualTypeOf<CostParams>();
    expectTypeOf<z.infer<typeof engineSchema>>().toEqualTypeOf<EngineParams>();
  });
});
