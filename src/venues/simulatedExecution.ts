import { BasisError, assertNever } from '../errors/base.js';
import type { GasOperation, RunParams } from '../domain/params.js';
import { slippageBps } from './costs.js';
import type { LstToken } from '../domain/tokens.js';
import type { CexVenue } from '../domain/venues.js';
import type { AttributionPart } from '../report/types.js';
import type { Order } from '../orders/order.js';
import type { EventLogger } from '../events/logger.js';
import type { EventType } from '../events/types.js';
import type { MarketState } from '../components/marketState.js';
import type { PositionMonitor } from '../components/positionMonitor.js';
import type { PnlCalculator } from '../components/pnlCalculator.js';
import { pxBtc, pxEth, pxUsdt } from '../components/exposureMonitor.js';
import type { TransferLedger, TransferManager } from '../components/transferManager.js';
import type { ExecutionInterface, MarketSettlement } from './execution.js';
import type { RewardPayout } from '../data/rewards.js';
import { AAVE_IDX, CEX_IDX, LST_IDX, SYM_IDX } from '../components/slots.js';


/** Collects one event's deltas and P&L while applying them. */
class Tx {
  readonly deltas: Array<[string, number]> = [];
  readonly pnl: Partial<Record<AttributionPart, number>> = {};
  gasUnits = 0;
  gasEth = 0;
  constructor(private readonly pm: PositionMonitor, private readonly calc: PnlCalculator) {}
  move(key: string, delta: number): void {
    if (delta === 0) return;
    this.pm.apply(this.pm.slotOf(key), delta);
    this.deltas.push([key, delta]);
  }
  book(part: AttributionPart, valueShare: number): void {
    if (valueShare === 0) return;
    this.calc.book(part, valueShare);
    this.pnl[part] = (this.pnl[part] ?? 0) + valueShare;
  }
}

/**
 * Backtest execution: fills at the step's price with venue fees, size-bucket slippage, gas at the step's gas
 * price × ETH price (paid from the wallet's ETH), CEX withdrawal fees and transfer latency. Costs can be
 * switched off for validation (--no-costs). Atomic groups apply every delta or none.
 */
export class SimulatedExecution implements ExecutionInterface, MarketSettlement {
  private m!: MarketState;
  private stepIndex = 0;
  private emodeSet = false;
  private approved = new Set<string>();
  liquidations = 0;
  feesPaid = 0;
  gasPaid = 0;

  constructor(
    private readonly params: RunParams,
    private readonly pm: PositionMonitor,
    private readonly calc: PnlCalculator,
    private readonly log: EventLogger,
    private readonly costsOn: boolean,
    private readonly transfers: TransferManager,
  ) {}

  at(m: MarketState, stepIndex: number): void {
    this.m = m;
    this.stepIndex = stepIndex;
  }

  private get sc() {
    return this.params.mode.shareClass;
  }
  private pxU(): number {
    return pxUsdt(this.sc, this.m);
  }
  private pxE(): number {
    return pxEth(this.sc, this.m);
  }
  private pxB(): number {
    return pxBtc(this.sc, this.m);
  }

  private emit(type: EventType, tx: Tx, extra: { venue?: string; token?: string; parent?: number; details?: Record<string, number | string | boolean | null>; feeAmount?: number; feeToken?: string; status?: 'completed' | 'failed' | 'rolled_back' } = {}): number {
    const gas = tx.gasUnits > 0;
    return this.log.emit({
      type,
      status: extra.status ?? 'completed',
      venue: extra.venue,
      token: extra.token,
      parent: extra.parent ?? this.parent,
      deltas: tx.deltas,
      pnl: tx.pnl,
      gasUnits: gas ? tx.gasUnits : undefined,
      gasEth: gas ? tx.gasEth : undefined,
      gasPriceGwei: gas ? this.m.gasGwei : undefined,
      feeAmount: extra.feeAmount,
      feeToken: extra.feeAmount !== undefined ? extra.feeToken : undefined,
      details: extra.details,
    });
  }

  /** Gas for one operation, in ETH, at this step's gas price. */
  gasEthFor(op: GasOperation): number {
    if (!this.costsOn) return 0;
    return this.params.costs.gasUnits[op] * this.m.gasGwei * 1e-9 * this.params.costs.gasPriceMultiplier;
  }

  private payGas(tx: Tx, op: GasOperation): void {
    const eth = this.gasEthFor(op);
    if (eth === 0) return;
    const have = this.pm.amount('wallet:BaseToken:ETH');
    if (have < eth) {
      throw new BasisError('EXEC-004', `not enough ETH in the wallet for gas (${op}: need ${eth}, have ${have})`, {
        problems: [{ code: 'EXEC-004', message: 'gas float too small', expected: `>= ${eth} ETH`, received: String(have) }],
      });
    }
    tx.move('wallet:BaseToken:ETH', -eth);
    tx.gasUnits += this.params.costs.gasUnits[op];
    tx.gasEth += eth;
    const v = eth * this.pxE();
    tx.book('gas', -v);
    this.gasPaid += v;
  }

  private fee(tx: Tx, key: string, amount: number, valueShare: number, part: AttributionPart = 'tradingFees'): void {
    if (amount === 0) return;
    tx.move(key, -amount);
    tx.book(part, -valueShare);
    this.feesPaid += valueShare;
  }

  /** The decision event (REBALANCE, EMERGENCY_STOP) the current order belongs to: its events point at it. */
  private parent: number | undefined;

  execute(order: Order, parent?: number): void {
    this.parent = parent;
    try {
      this.dispatch(order);
    } finally {
      this.parent = undefined;
    }
  }

  private dispatch(order: Order): void {
    switch (order.kind) {
      case 'spot_trade':
        return this.spotTrade(order);
      case 'perp_trade':
        return this.perpTrade(order);
      case 'aave_supply':
        return this.aaveSupply(order.asset, order.amount);
      case 'aave_withdraw':
        return this.aaveWithdraw(order.asset, order.amount);
      case 'aave_borrow':
        return this.aaveBorrow(order.asset, order.amount);
      case 'aave_repay':
        return this.aaveRepay(order.asset, order.amount);
      case 'stake':
        return this.stake(order.lst, order.amountEth);
      case 'dex_swap':
        return this.dexSwap(order);
      case 'atomic_leverage':
        return this.atomic('ATOMIC_LEVERAGE_ENTRY', () => this.leverageInTx(order.lst, order.inputEth, order.targetLtv));
      case 'atomic_deleverage':
        return this.atomic('ATOMIC_DELEVERAGE', () => this.deleverageInTx(order.lst, order.targetLtv, order.releaseEth));
      case 'loop_leverage':
        return this.loopLeverage(order.lst, order.inputEth, order.targetLtv);
      case 'transfer':
        return this.transfer(order);
      default:
        return assertNever(order, 'order');
    }
  }

  private spotTrade(o: Extract<Order, { kind: 'spot_trade' }>): void {
    const base = o.pair === 'BTCUSDT' ? 'BTC' : 'ETH';
    const px = base === 'BTC' ? this.m.btcPx : this.m.ethPx;
    const notional = o.sizeBase * px;
    const curve = base === 'BTC' ? this.params.costs.slippage.spotBTCUSDT : this.params.costs.slippage.spotETHUSDT;
    const slip = this.costsOn ? slippageBps(curve, notional) / 1e4 : 0;
    const feeRate = this.costsOn ? this.params.cex[o.venue].spotFees.takerRate : 0;
    const tx = new Tx(this.pm, this.calc);
    const usdtKey = `${o.venue}:BaseToken:USDT`;
    const baseKey = `${o.venue}:BaseToken:${base}`;
    const slipCost = notional * slip;
    const feeUsdt = notional * feeRate;
    if (o.side === 'buy') {
      tx.move(usdtKey, -(notional + slipCost));
      tx.move(baseKey, o.sizeBase);
    } else {
      tx.move(baseKey, -o.sizeBase);
      tx.move(usdtKey, notional - slipCost);
    }
    tx.book('slippage', -slipCost * this.pxU());
    this.fee(tx, usdtKey, feeUsdt, feeUsdt * this.pxU());
    this.emit('SPOT_TRADE', tx, { venue: o.venue, token: base, feeAmount: feeUsdt, feeToken: 'USDT', details: { side: o.side, sizeBase: o.sizeBase, priceUsdt: px, slippageBps: slip * 1e4 } });
  }

  private perpTrade(o: Extract<Order, { kind: 'perp_trade' }>): void {
    const key = `${o.venue}:Perp:${o.symbol}`;
    const slot = this.pm.slotOf(key);
    const p = CEX_IDX[o.venue] * 2 + SYM_IDX[o.symbol];
    const mark = this.m.perpMark[p] as number;
    const size0 = this.pm.amounts[slot] as number;
    let delta = o.deltaBase;
    if (o.reduceOnly) {
      if (size0 === 0 || Math.sign(delta) === Math.sign(size0)) return;
      if (Math.abs(delta) > Math.abs(size0)) delta = -size0;
    }
    if (delta === 0) return;
    const notional = Math.abs(delta) * mark;
    const slip = this.costsOn ? slippageBps(this.params.costs.slippage.perp, notional) / 1e4 : 0;
    const fill = delta > 0 ? mark * (1 + slip) : mark * (1 - slip);
    const tx = new Tx(this.pm, this.calc);
    const usdtKey = `${o.venue}:BaseToken:USDT`;
    const entry0 = this.pm.perpEntry[slot] as number;
    let size1 = size0 + delta;
    if (Math.abs(size1) < 1e-12 * Math.max(1, Math.abs(size0))) size1 = 0;
    // Realize P&L on the part that closes; the rest opens at the fill (weighted-average entry).
    let realized = 0;
    if (size0 !== 0 && Math.sign(delta) !== Math.sign(size0)) {
      const closing = Math.min(Math.abs(delta), Math.abs(size0));
      realized = closing * Math.sign(size0) * (fill - entry0);
      if (size1 === 0) this.pm.perpEntry[slot] = NaN;
      else if (Math.sign(size1) !== Math.sign(size0)) this.pm.perpEntry[slot] = fill;
    } else {
      this.pm.perpEntry[slot] = size0 === 0 ? fill : (size0 * entry0 + delta * fill) / size1;
    }
    tx.move(key, size1 - size0);
    if (realized !== 0) tx.move(usdtKey, realized);
    tx.book('slippage', -notional * slip * this.pxU());
    const feeUsdt = this.costsOn ? notional * this.params.cex[o.venue].perpFees.takerRate : 0;
    this.fee(tx, usdtKey, feeUsdt, feeUsdt * this.pxU());
    const type: EventType = Math.abs(size1) < Math.abs(size0) ? 'PERP_CLOSE' : 'PERP_OPEN';
    this.emit(type, tx, { venue: o.venue, token: o.symbol, feeAmount: feeUsdt, feeToken: 'USDT', details: { deltaBase: delta, markUsdt: mark, fillUsdt: fill, realizedUsdt: realized, sizeAfter: size1 } });
  }

  private aaveKeys(asset: keyof typeof AAVE_IDX): { a: string; d: string; wallet: string } {
    return { a: `aave_v3:aToken:a${asset}`, d: `aave_v3:debtToken:debt${asset}`, wallet: `wallet:BaseToken:${asset === 'WETH' ? 'ETH' : asset}` };
  }

  private aaveSupply(asset: keyof typeof AAVE_IDX, amount: number): void {
    const tx = new Tx(this.pm, this.calc);
    const k = this.aaveKeys(asset);
    if (!this.approved.has(asset)) {
      this.payGas(tx, 'APPROVAL_ONCE');
      this.approved.add(asset);
    }
    this.payGas(tx, 'COLLATERAL_SUPPLIED');
    tx.move(k.wallet, -amount);
    tx.move(k.a, amount / (this.m.liquidityIndex[AAVE_IDX[asset]] as number));
    this.emit('AAVE_SUPPLY', tx, { venue: 'aave_v3', token: asset, details: { amount, liquidityIndex: this.m.liquidityIndex[AAVE_IDX[asset]] as number } });
  }

  private aaveWithdraw(asset: keyof typeof AAVE_IDX, amount: number): void {
    const tx = new Tx(this.pm, this.calc);
    const k = this.aaveKeys(asset);
    const idx = this.m.liquidityIndex[AAVE_IDX[asset]] as number;
    const scaledHave = this.pm.amount(k.a);
    const scaled = Number.isFinite(amount) ? Math.min(scaledHave, amount / idx) : scaledHave;
    this.payGas(tx, 'COLLATERAL_WITHDRAWN');
    tx.move(k.a, -scaled);
    tx.move(k.wallet, scaled * idx);
    this.emit('AAVE_WITHDRAW', tx, { venue: 'aave_v3', token: asset, details: { amount: scaled * idx, liquidityIndex: idx } });
  }

  private aaveBorrow(asset: 'WETH' | 'USDT', amount: number): void {
    const tx = new Tx(this.pm, this.calc);
    const k = this.aaveKeys(asset);
    this.payGas(tx, 'LOAN_CREATED');
    tx.move(k.d, amount / (this.m.borrowIndex[AAVE_IDX[asset]] as number));
    tx.move(k.wallet, amount);
    this.emit('AAVE_BORROW', tx, { venue: 'aave_v3', token: asset, details: { amount } });
  }

  private aaveRepay(asset: 'WETH' | 'USDT', amount: number): void {
    const tx = new Tx(this.pm, this.calc);
    const k = this.aaveKeys(asset);
    const idx = this.m.borrowIndex[AAVE_IDX[asset]] as number;
    const scaled = Math.min(this.pm.amount(k.d), amount / idx);
    this.payGas(tx, 'LOAN_REPAID');
    tx.move(k.wallet, -scaled * idx);
    tx.move(k.d, -scaled);
    this.emit('AAVE_REPAY', tx, { venue: 'aave_v3', token: asset, details: { amount: scaled * idx } });
  }

  /** Mint at the protocol rate (EtherFi/Lido mint 1:1 at the oracle exchange rate). */
  private stake(lst: LstToken, amountEth: number): void {
    const tx = new Tx(this.pm, this.calc);
    this.payGas(tx, 'STAKE_DEPOSIT');
    tx.move('wallet:BaseToken:ETH', -amountEth);
    tx.move(`wallet:BaseToken:${lst}`, amountEth / (this.m.lstRate[LST_IDX[lst]] as number));
    this.emit('STAKE_DEPOSIT', tx, { venue: this.params.mode.strategy.kind === 'btc_basis' || this.params.mode.strategy.kind === 'pure_lending' ? 'etherfi' : this.params.mode.strategy.lst.stakingVenue, token: lst, details: { amountEth, rate: this.m.lstRate[LST_IDX[lst]] as number } });
  }

  private dexSwap(o: Extract<Order, { kind: 'dex_swap' }>): void {
    const tx = new Tx(this.pm, this.calc);
    const c = this.params.costs.slippage;
    // Value of the input in ETH and USDT at the step's valuation prices.
    const inEth = o.from === 'ETH' ? o.amountIn : o.from === 'USDT' ? o.amountIn / this.m.ethPx : o.amountIn * (this.m.lstRate[LST_IDX[o.from]] as number);
    const notionalUsd = inEth * this.m.ethPx;
    let costFrac = 0;
    if (this.costsOn) {
      costFrac =
        o.from === 'weETH' || o.from === 'wstETH'
          ? 1 - (1 - this.lstParams().exitDiscount) * (1 - slippageBps(c.dexLstETH[o.from], notionalUsd) / 1e4)
          : slippageBps(c.dexETHUSDT, notionalUsd) / 1e4;
    }
    const outEth = inEth * (1 - costFrac);
    const outAmount = o.to === 'ETH' ? outEth : outEth * this.m.ethPx;
    tx.move(`wallet:BaseToken:${o.from}`, -o.amountIn);
    tx.move(`wallet:BaseToken:${o.to}`, outAmount);
    tx.book('slippage', -inEth * costFrac * this.pxE());
    // A gasless (intent) swap pays its gas out of the ETH it buys; any other swap from the wallet's float.
    this.payGas(tx, 'TOKEN_SWAP');
    this.emit('DEX_SWAP', tx, { venue: 'uniswap', token: `${o.from}->${o.to}`, details: { amountIn: o.amountIn, amountOut: outAmount, costBps: costFrac * 1e4 } });
  }

  private lstParams() {
    const s = this.params.mode.strategy;
    if (s.kind === 'eth_leveraged' || s.kind === 'usdt_market_neutral') return s.lst;
    throw new BasisError('STRAT-004', `mode ${s.kind} has no LST`);
  }

  /** Runs `body` as one all-or-nothing transaction; on failure restores every balance and logs the rollback. */
  private atomic(name: 'ATOMIC_LEVERAGE_ENTRY' | 'ATOMIC_DELEVERAGE', body: () => Tx): void {
    const saved = this.pm.save();
    const cumBefore = this.calc.cumulative.slice();
    const gasBefore = this.gasPaid;
    const feesBefore = this.feesPaid;
    try {
      const tx = body();
      this.emit(name, tx, { venue: 'aave_v3', details: { atomic: true } });
    } catch (err) {
      this.pm.restore(saved);
      this.calc.cumulative.set(cumBefore);
      this.gasPaid = gasBefore;
      this.feesPaid = feesBefore;
      const reason = err instanceof Error ? err.message : String(err);
      this.emit(name, new Tx(this.pm, this.calc), { venue: 'aave_v3', status: 'rolled_back', details: { atomic: true, reason } });
    }
  }

  /** Aggregate AAVE position in ETH terms for one LST. */
  aaveBook(lst: LstToken): { collateralEth: number; debtEth: number } {
    const a = AAVE_IDX[lst];
    const scaled = this.pm.has(`aave_v3:aToken:a${lst}`) ? this.pm.amount(`aave_v3:aToken:a${lst}`) : 0;
    const debt = this.pm.has('aave_v3:debtToken:debtWETH') ? this.pm.amount('aave_v3:debtToken:debtWETH') : 0;
    return {
      collateralEth: scaled * (this.m.liquidityIndex[a] as number) * (this.m.lstRate[LST_IDX[lst]] as number),
      debtEth: debt * (this.m.borrowIndex[AAVE_IDX.WETH] as number),
    };
  }

  /** Flash-borrow WETH F, stake input + F, supply the LST, borrow F (+premium) to repay the flash. */
  private leverageInTx(lst: LstToken, inputEth: number, targetLtv: number): Tx {
    const tx = new Tx(this.pm, this.calc);
    if (!this.emodeSet) {
      this.payGas(tx, 'SET_EMODE_ONCE');
      this.emodeSet = true;
    }
    this.payGas(tx, 'ATOMIC_ENTRY');
    const { collateralEth: c, debtEth: d } = this.aaveBook(lst);
    const flash = (targetLtv * (c + inputEth) - d) / (1 - targetLtv);
    if (!(flash > 0)) throw new BasisError('EXEC-004', `leverage entry needs a positive flash loan (got ${flash})`);
    const premium = this.costsOn ? flash * this.params.aave.flashLoanFeeRate : 0;
    const rate = this.m.lstRate[LST_IDX[lst]] as number;
    const lstUnits = (inputEth + flash) / rate;
    const a = AAVE_IDX[lst];
    tx.move('wallet:BaseToken:ETH', -inputEth);
    tx.move(`aave_v3:aToken:a${lst}`, lstUnits / (this.m.liquidityIndex[a] as number));
    tx.move('aave_v3:debtToken:debtWETH', (flash + premium) / (this.m.borrowIndex[AAVE_IDX.WETH] as number));
    tx.book('tradingFees', -premium * this.pxE());
    this.feesPaid += premium * this.pxE();
    this.checkLtv(lst, 'after leverage');
    return tx;
  }

  /** Flash-borrow WETH R, repay R of debt, withdraw LST, sell it on a DEX for WETH to repay the flash. */
  private deleverageInTx(lst: LstToken, targetLtv: number, releaseEth: number): Tx {
    const tx = new Tx(this.pm, this.calc);
    this.payGas(tx, 'ATOMIC_DELEVERAGE_ONE_SWAP');
    const { collateralEth: c, debtEth: d } = this.aaveBook(lst);
    const rate = this.m.lstRate[LST_IDX[lst]] as number;
    const q = this.costsOn
      ? (1 - this.lstParams().exitDiscount) * (1 - slippageBps(this.params.costs.slippage.dexLstETH[lst], d * this.m.ethPx) / 1e4)
      : 1;
    const full = !Number.isFinite(releaseEth) || targetLtv <= 0;
    // Repay R: (d − R) / (c − R/q − release/q) = λ  →  R = (d − λ(c − release/q)) / (1 − λ/q)
    const release = full ? 0 : releaseEth;
    let repay = full ? d : (d - targetLtv * (c - release / q)) / (1 - targetLtv / q);
    repay = Math.min(Math.max(repay, 0), d);
    const sellEth = full ? c : repay / q + release / q;
    if (sellEth > c * (1 + 1e-12)) throw new BasisError('EXEC-004', `deleverage needs ${sellEth} ETH of collateral, only ${c} supplied`);
    const a = AAVE_IDX[lst];
    const scaledSell = Math.min(this.pm.amount(`aave_v3:aToken:a${lst}`), sellEth / rate / (this.m.liquidityIndex[a] as number));
    const premium = this.costsOn ? repay * this.params.aave.flashLoanFeeRate : 0;
    const proceedsEth = sellEth * q;
    tx.move(`aave_v3:aToken:a${lst}`, -scaledSell);
    tx.move('aave_v3:debtToken:debtWETH', -Math.min(this.pm.amount('aave_v3:debtToken:debtWETH'), repay / (this.m.borrowIndex[AAVE_IDX.WETH] as number)));
    tx.move('wallet:BaseToken:ETH', proceedsEth - repay - premium);
    tx.book('slippage', -(sellEth - proceedsEth) * this.pxE());
    tx.book('tradingFees', -premium * this.pxE());
    this.feesPaid += premium * this.pxE();
    if (!full) this.checkLtv(lst, 'after deleverage');
    return tx;
  }

  private checkLtv(lst: LstToken, when: string): void {
    const { collateralEth, debtEth } = this.aaveBook(lst);
    if (debtEth > collateralEth * this.params.aave.emode.ltv * (1 + 1e-9)) {
      throw new BasisError('EXEC-004', `LTV ${debtEth / collateralEth} above e-mode max ${this.params.aave.emode.ltv} ${when}`);
    }
  }

  /** Legacy iterative loop: each round pays its own gas and leaves intermediate states exposed. */
  private loopLeverage(lst: LstToken, inputEth: number, targetLtv: number): void {
    const s = this.params.mode.strategy;
    if (s.kind !== 'eth_leveraged' && s.kind !== 'usdt_market_neutral') throw new BasisError('STRAT-004', 'loop leverage needs an LST mode');
    if (!this.emodeSet) {
      const tx = new Tx(this.pm, this.calc);
      this.payGas(tx, 'SET_EMODE_ONCE');
      this.emodeSet = true;
      this.emit('AAVE_SET_EMODE', tx, { venue: 'aave_v3' });
    }
    let toStake = inputEth;
    for (let k = 0; k < s.leverage.loopMaxIterations; k++) {
      const gasRound = this.gasEthFor('STAKE_DEPOSIT') + this.gasEthFor('COLLATERAL_SUPPLIED') + this.gasEthFor('LOAN_CREATED');
      toStake = Math.min(toStake, this.pm.amount('wallet:BaseToken:ETH') - gasRound);
      if (!(toStake > 0)) break;
      this.stake(lst, toStake);
      const units = this.pm.amount(`wallet:BaseToken:${lst}`);
      this.supplyLst(lst, units);
      const { collateralEth, debtEth } = this.aaveBook(lst);
      const borrow = targetLtv * collateralEth - debtEth;
      if (borrow < s.leverage.loopMinBorrowEth) break;
      this.aaveBorrow('WETH', borrow);
      toStake = borrow;
    }
  }

  private supplyLst(lst: LstToken, units: number): void {
    const tx = new Tx(this.pm, this.calc);
    this.payGas(tx, 'COLLATERAL_SUPPLIED');
    tx.move(`wallet:BaseToken:${lst}`, -units);
    tx.move(`aave_v3:aToken:a${lst}`, units / (this.m.liquidityIndex[AAVE_IDX[lst]] as number));
    this.emit('AAVE_SUPPLY', tx, { venue: 'aave_v3', token: lst, details: { amount: units } });
  }

  /** The ledger the transfer manager moves funds through: each leg is one event, all of its moves or none. */
  private readonly ledger: TransferLedger = {
    leg: (plan, legIndex, stage, body, status = 'completed') => {
      const saved = this.pm.save();
      const tx = new Tx(this.pm, this.calc);
      const req = plan.request;
      try {
        const leg = plan.legs[legIndex];
        if (stage === 'sent' && leg?.kind === 'wallet_deposit') this.payGas(tx, 'VENUE_TRANSFER');
        const info = body((key, delta) => tx.move(key, delta));
        const px = req.token === 'USDT' ? this.pxU() : req.token === 'ETH' ? this.pxE() : this.pxB();
        if (info.fee > 0) {
          tx.book('transferFees', -info.fee * px);
          this.feesPaid += info.fee * px;
        }
        this.emit('TRANSFER_STEP', tx, {
          venue: stage === 'credited' ? (leg?.to ?? req.to) : (leg?.from ?? req.from),
          token: req.token,
          status,
          ...(info.fee > 0 ? { feeAmount: info.fee, feeToken: req.token } : {}),
          details: { id: plan.id, stage, leg: legIndex + 1, legs: plan.legs.length, route: `${req.from}->${req.to}`, purpose: req.purpose, ...(info.details ?? {}) },
        });
      } catch (err) {
        this.pm.restore(saved);
        throw err;
      }
    },
    gasFromTransit: (usdtAvailable) => {
      const s = this.params.mode.strategy;
      const ethNeeded = s.gasFloat.targetEth - this.pm.amount('wallet:BaseToken:ETH') + this.gasEthFor('TOKEN_SWAP');
      const bps = this.costsOn ? slippageBps(this.params.costs.slippage.dexETHUSDT, ethNeeded * this.m.ethPx) : 0;
      const spend = Math.min((ethNeeded * this.m.ethPx) / (1 - bps / 1e4), usdtAvailable * this.params.costs.maxGasTopUpShare);
      if (!(spend > 0)) return 0;
      this.dexSwap({ kind: 'dex_swap', from: 'USDT', to: 'ETH', amountIn: spend });
      return spend;
    },
    gasEthFor: (op) => this.gasEthFor(op),
  };

  /** Starts a planned, validated cross-venue transfer (see TransferManager). */
  private transfer(o: Extract<Order, { kind: 'transfer' }>): void {
    this.transfers.start({ token: o.token, from: o.from, to: o.to, amount: o.amount, purpose: o.purpose }, this.ledger, this.stepIndex);
  }

  /** Credits transfers whose latency has elapsed and starts their next leg. */
  settleArrivals(): void {
    this.transfers.settleArrivals(this.ledger, this.stepIndex);
  }

  /** Funding at a settlement step: payment = −size × mark × rate (shorts receive positive funding). */
  settleFunding(): void {
    const pm = this.pm;
    for (const s of pm.slots) {
      if (s.def.kind !== 'perp') continue;
      const size = pm.amounts[s.index] as number;
      const p = s.def.cex * 2 + s.def.sym;
      const rate = this.m.fundingRate[p] as number;
      if (size === 0 || !(rate === rate)) continue;
      const mark = this.m.perpMark[p] as number;
      const payment = -size * mark * rate;
      const tx = new Tx(pm, this.calc);
      tx.move(`${s.venue}:BaseToken:USDT`, payment);
      tx.book('funding', payment * this.pxU());
      this.emit('FUNDING_SETTLED', tx, { venue: s.venue, token: s.symbol, details: { rate, markUsdt: mark, sizeBase: size, paymentUsdt: payment, fallback: this.m.fundingFallback[p] === 1 } });
    }
  }

  /**
   * A published restaking reward: claim the tokens earned by the time-weighted eETH balance over the period and
   * sell them for ETH in the wallet (pool price, size-bucket cost, claim and swap gas).
   */
  creditReward(p: RewardPayout, avgEethBalance: number, priceEth: number): void {
    const tokens = p.perEeth * avgEethBalance;
    const tx = new Tx(this.pm, this.calc);
    const details = { token: p.token, perEeth: p.perEeth, avgEethBalance, tokens, priceEth, periodStart: new Date(p.periodStartMs).toISOString(), periodEnd: new Date(p.periodEndMs).toISOString(), source: p.source };
    if (!(tokens > 0) || !(priceEth > 0)) {
      this.emit('REWARD_CREDITED', tx, { venue: 'etherfi', token: p.token, status: 'failed', details: { ...details, reason: priceEth > 0 ? 'no eETH held over the period' : 'no reward token price at payout' } });
      return;
    }
    const grossEth = tokens * priceEth;
    const curve = p.token === 'EIGEN' ? this.params.costs.slippage.rewardEIGEN : this.params.costs.slippage.rewardETHFI;
    const cost = this.costsOn ? slippageBps(curve, grossEth * this.m.ethPx) / 1e4 : 0;
    tx.move('wallet:BaseToken:ETH', grossEth * (1 - cost));
    tx.book('rewards', grossEth * this.pxE());
    tx.book('slippage', -grossEth * cost * this.pxE());
    this.payGas(tx, 'CLAIM_REWARDS');
    this.payGas(tx, 'TOKEN_SWAP');
    this.emit('REWARD_CREDITED', tx, { venue: 'etherfi', token: p.token, details: { ...details, grossEth, costBps: cost * 1e4 } });
  }

  /** What the market would do: AAVE liquidation (close factor, bonus) and CEX liquidation below maintenance. */
  liquidateAave(lst: LstToken, hf: number): void {
    const { collateralEth, debtEth } = this.aaveBook(lst);
    const cf = hf < this.params.aave.fullCloseFactorHf ? 1 : this.params.aave.closeFactor;
    const bonus = this.params.aave.emode.liquidationBonus;
    const repay = Math.min(debtEth * cf, collateralEth / (1 + bonus));
    const seizedEth = repay * (1 + bonus);
    const rate = this.m.lstRate[LST_IDX[lst]] as number;
    const a = AAVE_IDX[lst];
    const tx = new Tx(this.pm, this.calc);
    tx.move(`aave_v3:aToken:a${lst}`, -Math.min(this.pm.amount(`aave_v3:aToken:a${lst}`), seizedEth / rate / (this.m.liquidityIndex[a] as number)));
    tx.move('aave_v3:debtToken:debtWETH', -Math.min(this.pm.amount('aave_v3:debtToken:debtWETH'), repay / (this.m.borrowIndex[AAVE_IDX.WETH] as number)));
    tx.book('liquidationPenalty', -repay * bonus * this.pxE());
    this.liquidations++;
    this.emit('LIQUIDATION', tx, { venue: 'aave_v3', token: lst, details: { healthFactor: hf, repaidEth: repay, seizedEth, closeFactor: cf } });
  }

  liquidateCex(venue: CexVenue, marginRatio: number): void {
    const pm = this.pm;
    const usdtKey = `${venue}:BaseToken:USDT`;
    const tx = new Tx(pm, this.calc);
    let closedNotional = 0;
    for (const s of pm.slots) {
      if (s.def.kind !== 'perp' || s.venue !== venue) continue;
      const size = pm.amounts[s.index] as number;
      if (size === 0) continue;
      const mark = this.m.perpMark[s.def.cex * 2 + s.def.sym] as number;
      const realized = size * (mark - (pm.perpEntry[s.index] as number));
      tx.move(s.key, -size);
      pm.perpEntry[s.index] = NaN;
      const coll = pm.amount(usdtKey);
      // A loss beyond the collateral is absorbed by the venue's insurance fund: the account ends at zero.
      const applied = Math.max(realized, -coll);
      tx.move(usdtKey, applied);
      if (applied !== realized) tx.book('liquidationPenalty', (applied - realized) * this.pxU());
      closedNotional += Math.abs(size) * mark;
    }
    const penalty = Math.min(closedNotional * this.params.cex[venue].liquidationFeeRate, pm.amount(usdtKey));
    this.fee(tx, usdtKey, penalty, penalty * this.pxU(), 'liquidationPenalty');
    this.liquidations++;
    this.emit('LIQUIDATION', tx, { venue, details: { marginRatio, closedNotionalUsdt: closedNotional, penaltyUsdt: penalty } });
  }
}
