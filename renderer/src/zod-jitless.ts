import { z } from 'zod';

// The page's CSP has no 'unsafe-eval'. Zod otherwise probes `Function('')` when it builds an
// object schema (to use compiled parsers), which the browser blocks and reports as a CSP
// violation. The page parses only small event payloads, so plain parsing costs nothing here.
// A module of its own: its body must run before the contract's schemas are built, and a module's
// imports all run before its own body (see contract-values.ts).
z.config({ jitless: true });
