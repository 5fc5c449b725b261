import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { Run, runProcess } from './testing/run-process';

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'apps', 'cli', 'src', 'main.ts');

/** Runs the real CLI in its own process, as a user would. */
function cli(...args: string[]): Promise<Run> {
  return run([process.execPath, '-r', '@swc-node/register', MAIN, ...args]);
}

const run = (command: string[], env: Record<string, string> = { FORCE_COLOR: '0' }, cwd = ROOT): Promise<Run> => runProcess(command, env, cwd);

const HEADER = 'sku,title,description,price,currency,available_quantity,condition,brand,model,gtin,pictures';
const validRow = (i: number): string =>
  `SKU-${i},Smartphone ${i},"Novo, com garantia",1299.90,BRL,5,new,Acme,X${i},4006381333931,https://a.com/${i}.jpg`;

describe('validahub CLI (real process)', () => {
  let dir: string;
  const path = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'validahub-cli-'));
    await writeFile(path('valid.csv'), [HEADER, validRow(1), validRow(2), validRow(3)].join('\n') + '\n');
    await writeFile(
      path('invalid.csv'),
      [
        HEADER,
        validRow(1),
        'SKU-1,,x,abc,BRL,5,novo,Acme,X,4006381333932,http://a.com/x.jpg',
        '  SKU-3 ,  Spaced   title ,d,"1.234,50",BRL,1,Novo,Acme,X,36000291452,https://a.com/3.jpg',
      ].join('\r\n') + '\r\n',
    );
    await writeFile(
      path('latin1.csv'),
      iconv.encode('Código;Título;Preço;Quantidade;Condição\r\nA-1;Pão de açúcar;R$ 12,50;3;novo\r\n', 'windows-1252'),
    );
    await writeFile(path('empty.csv'), '');
    await writeFile(path('image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 on a valid file and prints the summary table (no progress bar off a terminal)', async () => {
    const run = await cli('validate', path('valid.csv'), '--marketplace', 'mercado_livre', '--category', 'electronics');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mercado_livre/default (category electronics)');
    expect(run.stdout).toMatch(/│ rows\s+│\s+3 │/);
    expect(run.stdout).toContain('result: VALID (exit code 0)');
    expect(run.stderr).toBe('');
  });

  it('exits 1 when errors are found, listing them', async () => {
    const run = await cli('validate', path('invalid.csv'), '--marketplace', 'mercado_livre');
    expect(run.code).toBe(1);
    // row 2 starts on line 3 of the file (after the header and row 1), SKU-1 repeated.
    expect(run.stdout).toMatch(/│ 2\s+│ 3\s+│ SKU-1\s+│ sku\s+│ unique\s+│ error/);
    expect(run.stdout).toContain('price "abc" is not a number');
    expect(run.stdout).toMatch(/result: INVALID: \d+ errors, 2 invalid rows \(exit code 1\)/);
  });

  it('writes the corrected CSV with --fix and the report with --json', async () => {
    const run = await cli('validate', path('invalid.csv'), '-m', 'mercado_livre', '--fix', path('fixed.csv'), '--json', path('report.json'));
    expect(run.code).toBe(1);
    const fixed = await readFile(path('fixed.csv'), 'utf8');
    expect(fixed.split('\r\n')).toEqual([
      HEADER,
      validRow(1),
      'SKU-1,,x,abc,BRL,5,new,Acme,X,4006381333932,http://a.com/x.jpg',
      'SKU-3,Spaced title,d,1234.50,BRL,1,new,Acme,X,036000291452,https://a.com/3.jpg',
      '',
    ]);
    const report = JSON.parse(await readFile(path('report.json'), 'utf8'));
    expect(report.summary).toMatchObject({ rows_total: 3, rows_invalid: 1, fixes_applied: 6 });
    expect(report.by_rule).toMatchObject({ trim: 1, whitespace: 1, decimal_comma: 1, enum_synonyms: 2, gtin_digits: 1 });
    expect(run.stdout).toContain(`corrected CSV written to ${path('fixed.csv')}`);
    expect((await readdir(dir)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('prints only the JSON report on stdout with --json -', async () => {
    const run = await cli('validate', path('valid.csv'), '--json', '-', '-m', 'mercado_livre');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ marketplace: 'mercado_livre', summary: { rows_total: 3, errors: 0 } });
    expect(run.stderr).toContain('result: VALID');
  });

  it('reads a Windows-1252 ";" file with Portuguese headers and fixes it to UTF-8, keeping its ";"', async () => {
    const run = await cli('validate', path('latin1.csv'), '-m', 'mercado_livre', '--fix', path('latin1-fixed.csv'));
    expect(run.stdout).toContain('encoding windows-1252, delimiter ";"');
    expect(run.code).toBe(0);
    expect(await readFile(path('latin1-fixed.csv'), 'utf8')).toBe('Código;Título;Preço;Quantidade;Condição\r\nA-1;Pão de açúcar;12.50;3;new\r\n');
  });

  it('exits 1 on an empty file, saying it is empty', async () => {
    const run = await cli('validate', path('empty.csv'), '-m', 'mercado_livre');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('the file is empty');
  });

  it('exits 2 on a file that is not CSV, without writing the --fix target', async () => {
    const run = await cli('validate', path('image.png'), '--fix', path('never.csv'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: .*image\.png cannot be read as CSV: the file contains NUL bytes/);
    expect(run.stdout).toBe('');
    expect(await readdir(dir)).not.toContain('never.csv');
    expect((await readdir(dir)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it.each([
    ['a missing file', ['validate', 'no-such-file.csv'], /error: file not found: no-such-file\.csv/],
    ['an unknown marketplace', ['validate', 'x.csv', '--marketplace', 'ebay'], /Allowed choices are mercado_livre, amazon, shopee, magalu, generic/],
    ['an unknown ruleset', ['validate', '__VALID__', '--ruleset', 'v9'], /no ruleset "v9" for marketplace "generic"/],
    ['a bad number', ['validate', '__VALID__', '--max-issues', 'lots'], /expected a whole number/],
    ['an unknown option', ['validate', '__VALID__', '--colour'], /unknown option '--colour'/],
    ['no file argument', ['validate'], /missing required argument 'file'/],
    ['no command', [], /Usage: validahub/],
    ['--fix onto the input', ['validate', '__VALID__', '--fix', '__VALID__'], /--fix must name a new file/],
  ])('exits 2 on %s', async (_label, args, message) => {
    const run = await cli(...args.map((arg) => (arg === '__VALID__' ? path('valid.csv') : arg)));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('lists the rulesets and shows help with exit 0', async () => {
    const rulesets = await cli('rulesets');
    expect(rulesets.code).toBe(0);
    expect(rulesets.stdout).toMatch(/mercado_livre\s+│ default\s+│ electronics/);
    const help = await cli('validate', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fix <out.csv>');
  });

  it('prints the version, from any folder through npx, and colours only when asked', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const npx = await run(['npx', '--no-install', 'validahub', '--version'], {}, join(ROOT, 'libs', 'csv-rules'));
    expect([npx.code, npx.stdout.trim()]).toEqual([0, version]);
    const coloured = await run(
      [process.execPath, join(ROOT, 'apps', 'cli', 'bin', 'validahub.js'), 'validate', path('invalid.csv'), '-m', 'mercado_livre'],
      {
        FORCE_COLOR: '1',
      },
    );
    expect(coloured.stdout).toContain('\u001b[31mresult: INVALID');
    const noColor = await run(
      [process.execPath, join(ROOT, 'apps', 'cli', 'bin', 'validahub.js'), 'validate', path('invalid.csv'), '-m', 'mercado_livre'],
      {
        NO_COLOR: '1',
      },
    );
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('wraps long messages instead of cutting them, shows line and SKU, says what --fix would fix, and writes the HTML and issues CSV', async () => {
    const long = `${'Smartphone '.repeat(8)}X`;
    await writeFile(path('long.csv'), `${HEADER}\nSKU-9,${long},d,12,BRL,1,novo,Acme,X,4006381333931,https://a.com/9.jpg\n`);
    const result = await cli('validate', path('long.csv'), '-m', 'mercado_livre', '--html', path('r.html'), '--issues-csv', path('r.csv'));
    expect(result.code).toBe(1);
    const messageCells = result.stdout
      .split('\n')
      .filter((line) => line.includes('SKU-9') || /^│\s+│\s+│\s+│/.test(line))
      .map((line) => line.split('│')[7]?.trim() ?? '')
      .join(' ');
    expect(messageCells).toContain('title has 89 characters; at most 60 are allowed');
    expect(result.stdout).toMatch(/│ 1\s+│ 2\s+│ SKU-9\s+│ condition\s+│ enum\s+│ error\*/);
    expect(result.stdout).toContain('can be fixed automatically with auto_fix');
    expect(await readFile(path('r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect((await readFile(path('r.csv'), 'utf8')).split(/\r?\n/)[0]).toMatch(/^\uFEFF?row,line,sku/);
    expect(result.stdout).toContain(`HTML report written to ${path('r.html')}`);
  });
});
