import { describe, expect, it } from '@jest/globals';
import { loadConfig, temporalAddressOf } from '../../core/config.js';

describe('loadConfig', () => {
  it('lets the workflow worker take all its activity slots eagerly by default', () => {
    expect(loadConfig({}).eagerActivities).toBe(64);
    expect(loadConfig({ FORGELINE_WORKER_CONCURRENCY: '8' }).eagerActivities).toBe(8);
  });

  it('takes FORGELINE_EAGER_ACTIVITIES, 0 included (eager dispatch off)', () => {
    expect(loadConfig({ FORGELINE_EAGER_ACTIVITIES: '3' }).eagerActivities).toBe(3);
    expect(loadConfig({ FORGELINE_EAGER_ACTIVITIES: '0' }).eagerActivities).toBe(0);
  });

  it('rejects a value that is not a whole number, naming the variable', () => {
    for (const bad of ['-1', '2.5', 'all']) {
      expect(() => loadConfig({ FORGELINE_EAGER_ACTIVITIES: bad })).toThrow(`FORGELINE_EAGER_ACTIVITIES must be a whole number >= 0, got "${bad}"`);
    }
  });

  it('rejects a worker concurrency below 1 or not a number, where it used to fall back to 64 silently', () => {
    for (const bad of ['0', 'many']) {
      expect(() => loadConfig({ FORGELINE_WORKER_CONCURRENCY: bad })).toThrow(`FORGELINE_WORKER_CONCURRENCY must be a whole number >= 1, got "${bad}"`);
    }
    expect(loadConfig({ FORGELINE_WORKER_CONCURRENCY: '' }).workerConcurrency).toBe(64);
  });

  it('moves the embedded server with FORGELINE_TEMPORAL_PORT / FORGELINE_UI_PORT, and the client follows', () => {
    const c = loadConfig({ FORGELINE_TEMPORAL_PORT: '17233', FORGELINE_UI_PORT: '18233' });
    expect([c.temporalPort, c.uiPort, temporalAddressOf(c)]).toEqual([17233, 18233, '127.0.0.1:17233']);
    expect([loadConfig({}).temporalPort, loadConfig({}).uiPort]).toEqual([7233, 8233]);
    expect(() => loadConfig({ FORGELINE_TEMPORAL_PORT: 'auto' })).toThrow('FORGELINE_TEMPORAL_PORT must be a whole number >= 1, got "auto"');
  });
});
