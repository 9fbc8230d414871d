#!/usr/bin/env node
// The webhook-stress command: the built runner (npm run build writes dist/).
import '../dist/scripts/cli.js';
