import { useEffect, useRef } from 'react';
import type { RunStatus } from '../api/types';
import { errorText } from '../hooks';

export function StatusBadge({ status }: { status: RunStatus }): React.JSX.Element {
  return (
    <span className={`badge badge-${status}`} data-testid="status-badge">
      {status}
    </span>
  );
}

/** A determinate bar with its percentage as text, readable by screen readers. */
export function ProgressBar({ fraction, label }: { fraction: number; label: string }): React.JSX.Element {
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-label">
        <span>{label}</span>
        <span className="num">{pct.toFixed(1)}%</span>
      </div>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** A placeholder of the final size, so the page does not move when the data arrives. */
export function Skeleton({ width = '100%', height = 16 }: { width?: number | string; height?: number | string }): React.JSX.Element {
  return <span className="skeleton" style={{ width, height }} aria-hidden="true" />;
}

export function ErrorNote({ error }: { error: Error }): React.JSX.Element {
  return (
    <div className="error-note" role="alert" data-testid="error">
      {errorText(error)}
    </div>
  );
}

/** A modal confirm built on <dialog>: focus is trapped, Escape cancels. */
export function ConfirmDialog(props: { open: boolean; title: string; body: string; confirm: string; onConfirm: () => void; onCancel: () => void }): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" onCancel={props.onCancel} aria-labelledby="dialog-title" data-testid="confirm-dialog">
      <h2 id="dialog-title">{props.title}</h2>
      <p>{props.body}</p>
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={props.onConfirm} data-testid="confirm-ok">
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}
