import { UsageError } from '../src/errors.js';
import { presentHelp } from '../src/present/help.js';
import { didYouMeanText } from '../src/suggest.js';
import { type CommandSpec, commandPrefix } from './spec.js';

/** What help shows, filled in by the registry so help lists every command including itself. */
export interface HelpArgs {
  topic?: string | undefined;
  prefix: string;
}

/** Usage: help [subcommand] */
export function helpCommand(
  table: () => readonly { name: string; usage: string; summary: string }[],
): CommandSpec<HelpArgs, HelpArgs> {
  return {
    name: 'help',
    usage: 'help [subcommand]',
    summary: 'list the subcommands, or show one',
    permission: 'investigate',
    immediate: true,
    parse(words, front) {
      if (words.length > 1)
        throw new UsageError('help takes at most one subcommand name.', 'help [subcommand]');
      const topic = words[0];
      if (topic !== undefined && !table().some((c) => c.name === topic)) {
        const hint = didYouMeanText(
          topic,
          table().map((c) => c.name),
        );
        throw new UsageError(`There is no subcommand "${topic}".${hint}`, 'help [subcommand]');
      }
      return { topic, prefix: commandPrefix(front) };
    },
    run: async (a) => a,
    present(a) {
      const all = [...table()];
      return presentHelp(
        all,
        a.prefix,
        all.find((c) => c.name === a.topic),
      );
    },
  };
}
