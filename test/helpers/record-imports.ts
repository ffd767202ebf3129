// Preloaded with `node --import` (see modulesLoadedBy): registers the hook that writes down every
// module the process imports, to the file named by RECORD_IMPORTS_TO.
import { register } from 'node:module';

register('./record-imports-hook.js', import.meta.url);
