#!/usr/bin/env node
// The published `lossgraph` command: runs the built CLI.
import '../dist/cli.js';
