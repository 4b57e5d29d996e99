import { useEffect, useRef, useState } from 'react';
import { apiToken, setApiToken } from '../api/client';

/** Where the user gives the bearer token a server with BASIS_API_TOKEN asks for on POST and DELETE; kept in this browser only. */
export function TokenButton(): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [saved, setSaved] = useState(() => apiToken() !== null);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const close = (): void => {
    setOpen(false);
    setValue('');
  };
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-label={saved ? 'API token set: change it' : 'set the API token'} data-testid="token-button">
        {saved ? 'Token ✓' : 'Token'}
      </button>
      <dialog ref={ref} className="dialog" onCancel={close} aria-labelledby="token-title">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            setApiToken(value.trim() === '' ? null : value.trim());
            setSaved(value.trim() !== '');
            close();
          }}
        >
          <h2 id="token-title">API token</h2>
          <p className="muted">
            A server started with <span className="mono">BASIS_API_TOKEN</span> asks for it to start, cancel or delete runs. It is kept in this browser's
            local storage and sent as <span className="mono">Authorization: Bearer …</span>. Leave empty to clear it.
          </p>
          <label className="param">
            Token
            <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
          </label>
          <div className="dialog-actions">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Save
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
