import type { TransferLedger } from '../../components/transferManager.js';
import { swapBps } from '../costs.js';
import type { SimDesk } from './desk.js';
import { dexSwap } from './staking.js';
import { RejectedError } from '../../errors/families.js';

/** The ledger the transfer manager moves funds through: each leg is one event, all of its moves or none. */
export function transferLedger(d: SimDesk): TransferLedger {
  return {
    leg: (plan, legIndex, stage, body, status = 'completed') => {
      const tx = d.tx();
      const req = plan.request;
      try {
        const leg = plan.legs[legIndex];
        if (stage === 'sent' && leg?.kind === 'wallet_deposit') d.payGas(tx, 'VENUE_TRANSFER');
        if (stage === 'credited') tx.creditedId = plan.id;
        const info = body(
          (key, delta) => tx.move(key, delta),
          (t) => {
            d.pm.inFlight.push(t);
            tx.started = t;
          },
        );
        const px = req.token === 'USDT' ? d.pxU() : req.token === 'ETH' ? d.pxE() : d.pxB();
        if (info.fee > 0) {
          tx.book('transferFees', -info.fee * px);
          d.feesPaid += info.fee * px;
        }
        d.emit('TRANSFER_STEP', tx, {
          venue: stage === 'credited' ? (leg?.to ?? req.to) : (leg?.from ?? req.from),
          token: req.token,
          status,
          ...(info.fee > 0 ? { feeAmount: info.fee, feeToken: req.token } : {}),
          details: { id: plan.id, stage, leg: legIndex + 1, legs: plan.legs.length, route: `${req.from}->${req.to}`, purpose: req.purpose, ...(info.details ?? {}) },
        });
      } catch (err) {
        if (tx.started) d.pm.inFlight.splice(d.pm.inFlight.indexOf(tx.started), 1);
        tx.undo();
        throw err;
      }
    },
    gasFromTransit: (usdtAvailable) => {
      const s = d.params.mode.strategy;
      const ethNeeded = s.gasFloat.targetEth - d.pm.amount('wallet:BaseToken:ETH') + d.gasEthFor('TOKEN_SWAP');
      const bps = d.costsOn ? swapBps(d.params.costs.slippage.dexETHUSDT, (b) => (ethNeeded * d.m.ethPx) / (1 - b / 1e4)) : 0;
      const spend = Math.min((ethNeeded * d.m.ethPx) / (1 - bps / 1e4), usdtAvailable * d.params.costs.maxGasTopUpShare);
      if (!(spend > 0)) return 0;
      try {
        dexSwap(d, { kind: 'dex_swap', from: 'USDT', to: 'ETH', amountIn: spend });
      } catch (err) {
        // The share of a small transit the top-up may take does not buy even the swap's own gas: nothing is
        // bought, and the leg that needed the gas is refused in turn (its funds stay in the wallet).
        if (!(err instanceof RejectedError)) throw err;
        d.undoOpen();
        return 0;
      }
      return spend;
    },
    gasEthFor: (op) => d.gasEthFor(op),
  };
}
