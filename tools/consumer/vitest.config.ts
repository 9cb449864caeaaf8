import { lossgraphProject } from '../../vitest.project.ts';

// one long file: build, pack, npm install, then every check on the installed project
export default lossgraphProject('consumer', { testTimeout: 600_000, hookTimeout: 900_000 });
