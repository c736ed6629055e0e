import { Component, Project } from 'projen';

/** Options of `RulesDoc`. */
export interface RulesDocOptions {
  /** The generator script, run with tsx. @default 'scripts/generate-rules-doc.ts' */
  readonly script?: string;
  /** The generated document. @default 'docs/rules.md' */
  readonly output?: string;
}

/**
 * Generates `docs/rules.md` from the rules table: adds the `docs:rules` task and runs it after
 * every compile, so the committed document cannot drift from the code without the build's
 * self-mutation check (and `test/rules/docs.test.ts`) noticing.
 */
export class RulesDoc extends Component {
  constructor(project: Project, options: RulesDocOptions = {}) {
    super(project);
    const script = options.script ?? 'scripts/generate-rules-doc.ts';
    const output = options.output ?? 'docs/rules.md';
    const task = project.addTask('docs:rules', {
      description: `Generate ${output} from the rules table`,
      exec: `tsx ${script} ${output}`,
    });
    project.tasks.tryFind('post-compile')?.spawn(task);
  }
}
