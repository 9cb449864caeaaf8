import { lossgraphProject } from '../../vitest.project.ts';

export default lossgraphProject('explain');
