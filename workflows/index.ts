// The workflow bundle's entry point: every workflow the workers register.
export { runPipeline } from './run-pipeline.js';
