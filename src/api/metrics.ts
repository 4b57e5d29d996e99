import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RUN_STATUSES, type RunStatus } from '../store/types.js';

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process, as in the tests, do not
 * share counters). Runs by status are read from the store at scrape time, so they count runs of every process.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly runsByStatus: Gauge;
  readonly runDurationSeconds: Histogram;
  readonly queueDepth: Gauge;
  readonly runningJobs: Gauge;
  readonly errorsByCode: Counter;
  readonly httpRequests: Counter;
  readonly stepsTotal: Counter;
  readonly httpDurationSeconds: Histogram;

  constructor(collect: { runCounts: () => Promise<Readonly<Record<RunStatus, number>>>; queue: () => { queued: number; running: number } }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'basis_process_' });
    this.runsByStatus = new Gauge({
      name: 'basis_runs',
      help: 'Stored runs by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await collect.runCounts();
        for (const s of RUN_STATUSES) this.set({ status: s }, counts[s]);
      },
    });
    this.runDurationSeconds = new Histogram({
      name: 'basis_run_duration_seconds',
      help: 'Wall time of backtests run by this server, from start to final status',
      labelNames: ['mode', 'status'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({
      name: 'basis_queue_depth',
      help: 'Backtests waiting for a worker thread',
      registers: [this.registry],
      collect() {
        this.set(collect.queue().queued);
      },
    });
    this.runningJobs = new Gauge({
      name: 'basis_jobs_running',
      help: 'Backtests running on a worker thread',
      registers: [this.registry],
      collect() {
        this.set(collect.queue().running);
      },
    });
    this.errorsByCode = new Counter({ name: 'basis_errors_total', help: 'Errors answered or recorded, by code', labelNames: ['code'], registers: [this.registry] });
    this.stepsTotal = new Counter({ name: 'basis_backtest_steps_total', help: 'Engine steps run by this server\'s backtests (from their progress reports)', registers: [this.registry] });
    this.httpRequests = new Counter({ name: 'basis_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.httpDurationSeconds = new Histogram({
      name: 'basis_http_request_duration_seconds',
      help: 'HTTP request duration by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
  }
}
