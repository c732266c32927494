import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { EXIT } from './io.js';
import { onePositional, type CommandContext } from './context.js';
import { COMMANDS, HELP, type CommandSpec, type OptionSpec } from './spec.js';

/** `certflow completion bash|zsh|fish`: a completion script generated from the command table. */
export async function completionCommand(ctx: CommandContext): Promise<number> {
  const shell = onePositional(ctx, 'a shell (bash, zsh or fish)');
  const script = shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : shell === 'fish' ? fish() : undefined;
  if (script === undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown shell '${shell}' (bash, zsh or fish)`);
  ctx.io.stdout(script);
  return Promise.resolve(EXIT.ok);
}

const flags = (options: readonly OptionSpec[]) => [...options, HELP].flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]);
const leaves = (): { path: string[]; spec: CommandSpec }[] =>
  COMMANDS.flatMap((c) => [{ path: [c.name], spec: c }, ...(c.subcommands ?? []).map((s) => ({ path: [c.name, s.name], spec: s }))]);

function bash(): string {
  const cases = leaves()
    .map(({ path, spec }) => {
      const valued = spec.options.filter((o) => o.type === 'string');
      const prevCases = valued
        .map((o) => `        --${o.name}${o.short ? `|-${o.short}` : ''}) ${o.choices ? `COMPREPLY=($(compgen -W "${o.choices.join(' ')}" -- "$cur"))` : o.file ? 'COMPREPLY=($(compgen -f -- "$cur"))' : 'COMPREPLY=()'}; return ;;`)
        .join('\n');
      const words = [...flags(spec.options), ...(spec.subcommands ?? []).map((s) => s.name), ...(spec.argChoices ?? [])].join(' ');
      return `    "${path.join(' ')}")
      case "$prev" in
${prevCases}
      esac
      COMPREPLY=($(compgen -W "${words}" -- "$cur"))${spec.args?.includes('file') ? '\n      [[ "$cur" != -* ]] && COMPREPLY+=($(compgen -f -- "$cur"))' : ''}
      ;;`;
    })
    .join('\n');
  return `# bash completion for certflow: source <(certflow completion bash)
_certflow() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${COMMANDS.map((c) => c.name).join(' ')} help --help --version" -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -gt 2 && "$cmd" == "events" ]]; then cmd="$cmd \${COMP_WORDS[2]}"; fi
  case "$cmd" in
${cases}
  esac
}
complete -F _certflow certflow
`;
}

function zshOption(o: OptionSpec): string {
  const help = o.help.replace(/[[\]':]/g, ' ');
  const action = o.type === 'boolean' ? '' : `:${o.value ?? 'value'}:${o.choices ? `(${o.choices.join(' ')})` : o.file ? '_files' : ' '}`;
  const names = o.short ? `'(-${o.short} --${o.name})'{-${o.short},--${o.name}}` : `'--${o.name}`;
  return o.short ? `${names}'[${help}]${action}'` : `${names}[${help}]${action}'`;
}

function zsh(): string {
  const fns = leaves()
    .map(({ path, spec }) => {
      const args = [...spec.options, HELP].map(zshOption);
      if (spec.subcommands) args.push(`'1:command:(${spec.subcommands.map((s) => s.name).join(' ')})'`, `'*::arg:->sub'`);
      else if (spec.argChoices) args.push(`'1:${spec.args ?? 'arg'}:(${spec.argChoices.join(' ')})'`);
      else if (spec.args) args.push(`'*:${spec.args.replace(/[<>.:]/g, '')}:_files'`);
      return `_certflow_${path.join('_').replace(/-/g, '_')}() {\n  _arguments -s \\\n    ${args.join(' \\\n    ')}\n}`;
    })
    .join('\n\n');
  const commands = COMMANDS.map((c) => `'${c.name}:${c.summary.replace(/'/g, '').replace(/:/g, ' ')}'`).join(' \\\n    ');
  return `#compdef certflow
# zsh completion for certflow: certflow completion zsh > "\${fpath[1]}/_certflow"

${fns}

_certflow() {
  local -a commands
  commands=(
    ${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd="\${words[2]}"
  if [[ "$cmd" == events && CURRENT -gt 3 ]]; then cmd="events_\${words[3]//-/_}"; fi
  shift words; (( CURRENT-- ))
  [[ "$cmd" == events_* ]] && { shift words; (( CURRENT-- )); }
  (( $+functions[_certflow_\${cmd//-/_}] )) && _certflow_\${cmd//-/_}
}

_certflow "$@"
`;
}

function fish(): string {
  const top = COMMANDS.map((c) => c.name).join(' ');
  const lines = ['# fish completion for certflow: certflow completion fish > ~/.config/fish/completions/certflow.fish', 'complete -c certflow -f'];
  for (const c of COMMANDS) lines.push(`complete -c certflow -n "not __fish_seen_subcommand_from ${top}" -a ${c.name} -d '${c.summary.replace(/'/g, '')}'`);
  for (const { path, spec } of leaves()) {
    const cond = path.length === 1 ? `__fish_seen_subcommand_from ${path[0] ?? ''}` : `__fish_seen_subcommand_from ${path[1] ?? ''}`;
    for (const o of [...spec.options, HELP]) {
      const value = o.type === 'string' ? (o.choices ? ` -x -a '${o.choices.join(' ')}'` : o.file ? ' -r -F' : ' -x') : '';
      lines.push(`complete -c certflow -n '${cond}' -l ${o.name}${o.short ? ` -s ${o.short}` : ''}${value} -d '${o.help.replace(/'/g, '')}'`);
    }
    for (const s of spec.subcommands ?? []) lines.push(`complete -c certflow -n '${cond}; and not __fish_seen_subcommand_from ${(spec.subcommands ?? []).map((x) => x.name).join(' ')}' -a ${s.name} -d '${s.summary.replace(/'/g, '')}'`);
    if (spec.argChoices) lines.push(`complete -c certflow -n '${cond}' -a '${spec.argChoices.join(' ')}'`);
    if (spec.args?.includes('file')) lines.push(`complete -c certflow -n '${cond}' -F`);
  }
  return lines.join('\n') + '\n';
}
