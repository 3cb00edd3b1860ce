import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../commands/registry.js';
import { registerCommands } from '../commands/router.js';
import { registerHandlers } from '../handlers/index.js';
import { ACTION_IDS, BOT_SCOPES, EVENTS_PATH } from '../src/slack/ids.js';
import { testDeps } from './helpers/deps.js';

interface Manifest {
  features: {
    slash_commands: { command: string; url: string; usage_hint: string }[];
    shortcuts: { name: string; type: string; callback_id: string; description: string }[];
    app_home: {
      home_tab_enabled: boolean;
      messages_tab_enabled: boolean;
      messages_tab_read_only_enabled: boolean;
    };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    event_subscriptions: { request_url: string; bot_events: string[] };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(resolve(import.meta.dirname, '../manifest.yml'), 'utf8')) as Manifest;

/** Register everything on a recorder instead of Bolt, to see what the app listens for. */
function registered() {
  const commands: string[] = [];
  const actions: unknown[] = [];
  const shortcuts: unknown[] = [];
  const events: unknown[] = [];
  const recorder = {
    command: (name: string) => void commands.push(name),
    action: (id: unknown) => void actions.push(id),
    shortcut: (c: unknown) => void shortcuts.push(c),
    event: (e: unknown) => void events.push(e),
    view: () => undefined,
  };
  const deps = testDeps();
  registerCommands(recorder as never, deps);
  registerHandlers(recorder as never, deps);
  return { commands, actions, shortcuts, events };
}

describe('manifest.yml', () => {
  it('declares exactly the slash commands the app registers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(
      registered().commands.sort(),
    );
  });

  it('names every subcommand in the usage hint', () => {
    const hint = manifest.features.slash_commands[0]?.usage_hint ?? '';
    expect(hint.split(/[\s|]+/).filter((w) => /^[a-z]/.test(w))).toEqual(COMMANDS.map((c) => c.name));
  });

  it('declares exactly the shortcuts the app registers, named within Slack’s limits', () => {
    expect(
      manifest.features.shortcuts.map((s) => ({ callback_id: s.callback_id, type: `${s.type}_action` })),
    ).toEqual(registered().shortcuts);
    for (const s of manifest.features.shortcuts) {
      expect(s.name.length).toBeLessThanOrEqual(24);
      expect(s.description.length).toBeLessThanOrEqual(80);
    }
  });

  it('subscribes to exactly the events the app listens for, with the Home tab on', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      (registered().events as string[]).sort(),
    );
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    // Actors are asked "was this you?" in the app's Messages tab; nobody needs to write there.
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(true);
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe(EVENTS_PATH);
  });

  it('declares exactly the scopes the code says it needs', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('enables interactivity, and every registered action has an id from src/slack/ids.ts', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const known = Object.values(ACTION_IDS) as unknown[];
    for (const a of registered().actions) {
      expect(known).toContain(typeof a === 'object' && a ? (a as { action_id: unknown }).action_id : a);
    }
  });

  it('points HTTP requests at the events path', () => {
    for (const c of manifest.features.slash_commands) expect(new URL(c.url).pathname).toBe(EVENTS_PATH);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(EVENTS_PATH);
  });
});
