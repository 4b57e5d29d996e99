import { fileURLToPath } from 'node:url';

/** The package's root directory (holds configs/ and, by convention, sits beside ../shared), from src/ or dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
