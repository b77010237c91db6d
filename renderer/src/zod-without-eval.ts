import { z } from 'zod';

// The page's CSP has no 'unsafe-eval'. Zod otherwise probes `Function('')` before its first
// object parse (to use compiled parsers), which the browser blocks and reports as a CSP
// violation. The page parses only small event payloads, so plain parsing costs nothing here.
// Imported first by main.tsx, so it runs before any module that might parse.
z.config({ jitless: true });
