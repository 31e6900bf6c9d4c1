import fs from 'node:fs';
import path from 'node:path';

// Finds, without running anything, every config key the plugins' sources read: each
// `get*`/`getOptional*`/`has` call on a Backstage `Config`, with the block it is called
// on traced back to the root config through variables, `getOptionalConfig` blocks,
// `getOptionalConfigArray` elements and the callers of helpers that take a block or a
// key (each caller separately, so a block and a key passed together stay together).
// What cannot be traced is reported, never skipped.

type TypeScript = typeof import('typescript');
type Node = import('typescript').Node;
type Expression = import('typescript').Expression;
type CallLike =
  | import('typescript').CallExpression
  | import('typescript').NewExpression;
type FunctionLike = import('typescript').SignatureDeclaration;
type ParameterDeclaration = import('typescript').ParameterDeclaration;
type Program = import('typescript').Program;
type Type = import('typescript').Type;
type CompilerOptions = import('typescript').CompilerOptions;
type CompilerHost = import('typescript').CompilerHost;

/** One config read: where, and every full key path it can read. */
export interface ConfigRead {
  /** Path of the source file, relative to the repository root. */
  file: string;
  line: number;
  /** The call, as written (whitespace collapsed). */
  call: string;
  /**
   * Full key paths: `.` between keys, `[]` for the elements of an array
   * (`istio.clusters[].prometheus.url`), `*` for any key of a block.
   */
  paths: string[];
}

/** A read whose block or key could not be traced to constants. */
export interface UntracedRead {
  file: string;
  line: number;
  call: string;
  reason: string;
}

/** What {@link findConfigReads} found. */
export interface ConfigReads {
  reads: ConfigRead[];
  untraced: UntracedRead[];
}

/** `Config` methods that read the key given as their first argument. */
const READ_METHODS = new Set([
  'get',
  'getOptional',
  'getConfig',
  'getOptionalConfig',
  'getConfigArray',
  'getOptionalConfigArray',
  'getNumber',
  'getOptionalNumber',
  'getBoolean',
  'getOptionalBoolean',
  'getString',
  'getOptionalString',
  'getStringArray',
  'getOptionalStringArray',
  'has',
]);

/** Array methods whose callback gets the elements as its first parameter. */
const ELEMENT_CALLBACKS = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'find',
  'some',
  'every',
]);

/**
 * Library functions that read keys of the block they are given: traced like a read of
 * each key. Any other library function handed a `Config` block is reported, since
 * what it reads is unknown here.
 */
export const LIBRARY_READERS: Record<string, string[]> = {
  // @backstage/backend-plugin-api: a task schedule block.
  readSchedulerServiceTaskScheduleDefinitionFromConfig: [
    'frequency',
    'timeout',
    'initialDelay',
    'scope',
  ],
};

/** The block or key at this node needs the arguments of a call of `fn`. */
class NeedsCaller extends Error {
  constructor(readonly fn: FunctionLike) {
    super('needs a caller');
  }
}

/** The block or key at this node cannot be traced. */
class Untraceable extends Error {
  constructor(readonly node: Node, readonly reason: string) {
    super(reason);
  }
}

/** Which call of a helper each traced helper's parameters come from. */
type Callers = ReadonlyMap<FunctionLike, CallLike>;

const join = (prefix: string, key: string) => {
  if (!key) return prefix;
  return prefix ? `${prefix}.${key}` : key;
};

const product = (prefixes: string[], keys: string[]) =>
  [...new Set(prefixes.flatMap(p => keys.map(k => join(p, k))))].sort();

/** Walks the sources of one program. */
class ConfigReadWalker {
  private readonly checker;
  private readonly callers = new Map<FunctionLike, CallLike[]>();

  constructor(
    private readonly ts: TypeScript,
    private readonly program: Program,
    private readonly files: ReadonlySet<string>,
    private readonly relative: (file: string) => string,
  ) {
    this.checker = program.getTypeChecker();
  }

  /**
   * The calls of a function in the sources, found by its name first: resolving every
   * call of the sources would type-check all of them.
   */
  private callsOf(fn: FunctionLike): CallLike[] {
    const { ts } = this;
    const known = this.callers.get(fn);
    if (known) return known;
    let name = fn.name?.getText();
    if (ts.isConstructorDeclaration(fn)) name = fn.parent.name?.getText();
    else if (!name && ts.isVariableDeclaration(fn.parent))
      name = fn.parent.name.getText();
    const calls: CallLike[] = [];
    for (const sourceFile of name ? this.sourceFiles() : [])
      if (sourceFile.text.includes(name!))
        this.visit(sourceFile, node => {
          if (
            (ts.isCallExpression(node) || ts.isNewExpression(node)) &&
            node.expression.getText().endsWith(name!) &&
            this.calledFunction(node) === fn
          )
            calls.push(node);
        });
    this.callers.set(fn, calls);
    return calls;
  }

  run(): ConfigReads {
    const found: ConfigReads = { reads: [], untraced: [] };
    for (const sourceFile of this.sourceFiles())
      this.visit(sourceFile, node => {
        if (!this.ts.isCallExpression(node)) return;
        const keys = this.readKeys(node);
        if (!keys) return;
        const where = {
          file: this.relative(sourceFile.fileName),
          line:
            sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1,
          call: node.getText().replace(/\s+/g, ' '),
        };
        try {
          found.reads.push({ ...where, paths: this.tracePaths(node, keys) });
        } catch (error) {
          if (!(error instanceof Untraceable)) throw error;
          const at = error.node.getSourceFile();
          const line = at.getLineAndCharacterOfPosition(error.node.getStart());
          found.untraced.push({
            ...where,
            reason: `${error.reason}: \`${error.node
              .getText()
              .replace(/\s+/g, ' ')
              .slice(0, 80)}\` at ${this.relative(at.fileName)}:${
              line.line + 1
            }`,
          });
        }
      });
    return found;
  }

  private sourceFiles() {
    return this.program
      .getSourceFiles()
      .filter(f => this.files.has(path.resolve(f.fileName)));
  }

  private visit(node: Node, fn: (node: Node) => void) {
    fn(node);
    this.ts.forEachChild(node, child => this.visit(child, fn));
  }

  /**
   * The keys a call reads of the block it is given, as expressions to trace (`''` for
   * the whole block), or undefined when it is not a config read.
   */
  private readKeys(
    call: import('typescript').CallExpression,
  ): Array<Expression | string> | undefined {
    const { ts } = this;
    const callee = call.expression;
    if (
      ts.isPropertyAccessExpression(callee) &&
      READ_METHODS.has(callee.name.text) &&
      this.isConfig(callee.expression)
    )
      return [call.arguments[0] ?? ''];
    // Only names can hold a block: literals, functions and object literals cannot, and
    // typing them all would type-check every callback of the sources.
    const blocks = call.arguments.filter(
      a =>
        (ts.isIdentifier(a) ||
          ts.isPropertyAccessExpression(a) ||
          ts.isCallExpression(a)) &&
        this.isConfig(a),
    );
    if (blocks.length === 0 || this.calledFunction(call)) return undefined;
    const name = ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : callee.getText();
    // A library function handed a block: its keys are known only when listed.
    return LIBRARY_READERS[name] ?? ['?'];
  }

  /** Every full key path of a read, each caller of the helpers it is in apart. */
  private tracePaths(
    call: import('typescript').CallExpression,
    keys: Array<Expression | string>,
    callers: Callers = new Map(),
  ): string[] {
    const { ts } = this;
    try {
      const callee = call.expression;
      const block =
        ts.isPropertyAccessExpression(callee) &&
        this.isConfig(callee.expression)
          ? callee.expression
          : call.arguments.find(a => this.isConfig(a))!;
      const prefixes = this.blockPaths(block, callers);
      if (keys.includes('?'))
        throw new Untraceable(
          call,
          'a library function reads this block; list the keys it reads in LIBRARY_READERS',
        );
      const names = keys.flatMap(k =>
        typeof k === 'string' ? [k] : this.keyValues(k, callers),
      );
      return product(prefixes, names);
    } catch (error) {
      if (!(error instanceof NeedsCaller)) throw error;
      const sites = this.callsOf(error.fn);
      if (sites.length === 0)
        throw new Untraceable(
          error.fn,
          'nothing in the sources calls this function, so which block or key it gets is unknown',
        );
      return [
        ...new Set(
          sites.flatMap(site =>
            this.tracePaths(call, keys, new Map(callers).set(error.fn, site)),
          ),
        ),
      ].sort();
    }
  }

  /** The key paths a `Config` expression can be the block of (`''`: the root). */
  private blockPaths(expr: Expression, callers: Callers): string[] {
    const { ts } = this;
    const node = this.unwrap(expr);
    if (this.isRootConfig(node)) return [''];
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression)
    ) {
      const { name, expression: receiver } = node.expression;
      if (
        ['getConfig', 'getOptionalConfig'].includes(name.text) &&
        this.isConfig(receiver)
      )
        return product(
          this.blockPaths(receiver, callers),
          this.keyValues(node.arguments[0], callers),
        );
      if (['find', 'at'].includes(name.text) && this.isConfigArray(receiver))
        return this.arrayPaths(receiver, callers).map(p => `${p}[]`);
    }
    if (
      ts.isElementAccessExpression(node) &&
      this.isConfigArray(node.expression)
    )
      return this.arrayPaths(node.expression, callers).map(p => `${p}[]`);
    const either = this.eitherSide(node, e => this.isConfig(e));
    if (either)
      return [...new Set(either.flatMap(e => this.blockPaths(e, callers)))];
    if (ts.isIdentifier(node))
      return this.fromDeclaration(node, callers, {
        value: e => this.blockPaths(e, callers),
        element: e => this.arrayPaths(e, callers).map(p => `${p}[]`),
      });
    throw new Untraceable(node, 'cannot tell which config block this is');
  }

  /** The key paths an array of `Config` blocks can be read from. */
  private arrayPaths(expr: Expression, callers: Callers): string[] {
    const { ts } = this;
    const node = this.unwrap(expr);
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression)
    ) {
      const { name, expression: receiver } = node.expression;
      if (
        ['getConfigArray', 'getOptionalConfigArray'].includes(name.text) &&
        this.isConfig(receiver)
      )
        return product(
          this.blockPaths(receiver, callers),
          this.keyValues(node.arguments[0], callers),
        );
      if (
        ['filter', 'slice'].includes(name.text) &&
        this.isConfigArray(receiver)
      )
        return this.arrayPaths(receiver, callers);
    }
    // `blocks ?? []`: the empty array reads nothing.
    const either = this.eitherSide(
      node,
      e => !(ts.isArrayLiteralExpression(e) && e.elements.length === 0),
    );
    if (either)
      return [...new Set(either.flatMap(e => this.arrayPaths(e, callers)))];
    if (ts.isIdentifier(node))
      return this.fromDeclaration(node, callers, {
        value: e => this.arrayPaths(e, callers),
      });
    throw new Untraceable(node, 'cannot tell which config array this is');
  }

  /** The constant strings a key expression can be. */
  private keyValues(expr: Expression | undefined, callers: Callers): string[] {
    const { ts } = this;
    if (!expr) return [''];
    const node = this.unwrap(expr);
    if (ts.isStringLiteralLike(node)) return [node.text];
    if (ts.isTemplateExpression(node))
      return node.templateSpans.reduce(
        (heads, span) =>
          this.keyValues(span.expression, callers).flatMap(value =>
            heads.map(head => `${head}${value}${span.literal.text}`),
          ),
        [node.head.text],
      );
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.PlusToken
    )
      return this.keyValues(node.left, callers).flatMap(left =>
        this.keyValues(node.right, callers).map(right => `${left}${right}`),
      );
    if (ts.isConditionalExpression(node))
      return [
        ...this.keyValues(node.whenTrue, callers),
        ...this.keyValues(node.whenFalse, callers),
      ];
    if (ts.isIdentifier(node))
      return this.fromDeclaration(node, callers, {
        value: e => this.keyValues(e, callers),
        element: e => this.elementKeys(e, callers),
        entry: (e, index) => this.entryKeys(e, index),
      });
    throw new Untraceable(node, 'cannot tell which key this is');
  }

  /** The strings an iterable of keys holds: `block.keys()`, `Object.keys(X)`, `['a']`. */
  private elementKeys(expr: Expression, callers: Callers): string[] {
    const { ts } = this;
    const node = this.unwrap(expr);
    if (ts.isArrayLiteralExpression(node))
      return node.elements.flatMap(e => this.keyValues(e, callers));
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression)
    ) {
      const { name, expression: receiver } = node.expression;
      // Every key of a block: its schema must accept any key there.
      if (name.text === 'keys' && this.isConfig(receiver)) return ['*'];
      if (name.text === 'keys' && receiver.getText() === 'Object')
        return this.objectKeys(node.arguments[0], node);
    }
    if (ts.isIdentifier(node))
      return this.fromDeclaration(node, callers, {
        value: e => this.elementKeys(e, callers),
      });
    throw new Untraceable(node, 'cannot tell which keys this holds');
  }

  /** `Object.entries(X)`: the keys of a constant object literal (entry index 0). */
  private entryKeys(expr: Expression, index: number): string[] {
    const { ts } = this;
    const node = this.unwrap(expr);
    if (
      index === 0 &&
      ts.isCallExpression(node) &&
      node.expression.getText() === 'Object.entries'
    )
      return this.objectKeys(node.arguments[0], node);
    throw new Untraceable(node, 'cannot tell which keys this holds');
  }

  /** The property names of a constant object literal. */
  private objectKeys(expr: Expression | undefined, at: Node): string[] {
    const { ts } = this;
    let node = expr && this.unwrap(expr);
    if (node && ts.isIdentifier(node)) {
      const declaration = this.declarationOf(node);
      if (
        declaration &&
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer &&
        this.isConst(declaration)
      )
        node = this.unwrap(declaration.initializer);
    }
    if (!node || !ts.isObjectLiteralExpression(node))
      throw new Untraceable(expr ?? at, 'not a constant object literal');
    return node.properties.map(p => {
      if (
        ts.isPropertyAssignment(p) &&
        (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))
      )
        return p.name.text;
      throw new Untraceable(p, 'a computed or spread key');
    });
  }

  /**
   * What an identifier holds, from where it is declared: a constant's value, a
   * parameter's argument (from the caller being traced, or the array a callback
   * iterates), a `for … of` variable's elements or entries.
   */
  private fromDeclaration(
    id: import('typescript').Identifier,
    callers: Callers,
    trace: {
      value: (e: Expression) => string[];
      element?: (e: Expression) => string[];
      entry?: (e: Expression, index: number) => string[];
    },
  ): string[] {
    const { ts } = this;
    const declaration = this.declarationOf(id);
    if (!declaration) throw new Untraceable(id, 'no declaration');
    if (ts.isParameter(declaration))
      return this.fromParameter(declaration, callers, trace);
    if (ts.isVariableDeclaration(declaration)) {
      const loop = declaration.parent.parent;
      if (ts.isForOfStatement(loop) && trace.element)
        return trace.element(loop.expression);
      if (declaration.initializer && this.isConst(declaration))
        return trace.value(declaration.initializer);
    }
    if (
      ts.isBindingElement(declaration) &&
      ts.isArrayBindingPattern(declaration.parent) &&
      ts.isVariableDeclaration(declaration.parent.parent) &&
      ts.isForOfStatement(declaration.parent.parent.parent.parent) &&
      trace.entry
    )
      return trace.entry(
        declaration.parent.parent.parent.parent.expression,
        declaration.parent.elements.indexOf(declaration),
      );
    throw new Untraceable(id, 'not a constant, a parameter or a loop variable');
  }

  private fromParameter(
    parameter: ParameterDeclaration,
    callers: Callers,
    trace: {
      value: (e: Expression) => string[];
      element?: (e: Expression) => string[];
    },
  ): string[] {
    const { ts } = this;
    const fn = parameter.parent;
    const index = fn.parameters.indexOf(parameter);
    if (!ts.isIdentifier(parameter.name))
      throw new Untraceable(parameter, 'a destructured parameter');
    const iterated = fn.parent;
    if (
      (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
      ts.isCallExpression(iterated) &&
      iterated.arguments.includes(fn) &&
      ts.isPropertyAccessExpression(iterated.expression) &&
      ELEMENT_CALLBACKS.has(iterated.expression.name.text)
    ) {
      if (index === 0 && trace.element)
        return trace.element(iterated.expression.expression);
      throw new Untraceable(
        parameter,
        'a callback parameter other than the element',
      );
    }
    const call = callers.get(fn);
    if (!call) throw new NeedsCaller(fn);
    const argument = call.arguments?.[index];
    if (argument) return trace.value(argument);
    if (parameter.initializer) return trace.value(parameter.initializer);
    throw new Untraceable(call, `no argument for '${parameter.name.text}'`);
  }

  /** The function a call calls, when it is one of the walked sources. */
  private calledFunction(call: CallLike): FunctionLike | undefined {
    const { ts } = this;
    let target: Node = call.expression;
    if (ts.isPropertyAccessExpression(target)) target = target.name;
    let symbol = this.checker.getSymbolAtLocation(target);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias)
      symbol = this.checker.getAliasedSymbol(symbol);
    for (const declaration of symbol?.declarations ?? []) {
      if (!this.files.has(path.resolve(declaration.getSourceFile().fileName)))
        continue;
      if (ts.isClassDeclaration(declaration) && ts.isNewExpression(call))
        return declaration.members.find(ts.isConstructorDeclaration);
      if (ts.isFunctionLike(declaration)) return declaration;
      if (
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer &&
        (ts.isArrowFunction(declaration.initializer) ||
          ts.isFunctionExpression(declaration.initializer))
      )
        return declaration.initializer;
    }
    return undefined;
  }

  private declarationOf(id: import('typescript').Identifier) {
    const { ts } = this;
    let symbol = this.checker.getSymbolAtLocation(id);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias)
      symbol = this.checker.getAliasedSymbol(symbol);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  }

  private isConst(declaration: import('typescript').VariableDeclaration) {
    const { ts } = this;
    return (
      ts.isVariableDeclarationList(declaration.parent) &&
      (declaration.parent.flags & ts.NodeFlags.Const) !== 0
    );
  }

  /** Both sides of `a ?? b`, `a || b` and `c ? a : b` that `keep` accepts. */
  private eitherSide(
    node: Expression,
    keep: (e: Expression) => boolean,
  ): Expression[] | undefined {
    const { ts } = this;
    if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(
        node.operatorToken.kind,
      )
    )
      return [node.left, node.right].filter(keep);
    if (ts.isConditionalExpression(node))
      return [node.whenTrue, node.whenFalse].filter(keep);
    return undefined;
  }

  private unwrap(expr: Expression): Expression {
    const { ts } = this;
    let node = expr;
    while (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isTypeAssertionExpression(node)
    )
      node = node.expression;
    return node;
  }

  private typeNames(type: Type): string[] {
    const nonNull = this.checker.getNonNullableType(type);
    if (nonNull.isUnion()) return nonNull.types.flatMap(t => this.typeNames(t));
    // `Config` is a type alias of an object type: its name is the alias's.
    const symbol = nonNull.aliasSymbol ?? nonNull.getSymbol();
    const fromBackstage = symbol?.declarations?.some(d =>
      /[\\/]@backstage[\\/](config|backend-plugin-api)[\\/]/.test(
        d.getSourceFile().fileName,
      ),
    );
    return [fromBackstage ? symbol!.getName() : ''];
  }

  private isConfig(node: Node): boolean {
    const names = this.typeNames(this.checker.getTypeAtLocation(node));
    return names.every(n =>
      ['Config', 'ConfigReader', 'RootConfigService'].includes(n),
    );
  }

  /** The root config: what `coreServices.rootConfig` gives a plugin or module. */
  private isRootConfig(node: Node): boolean {
    const names = this.typeNames(this.checker.getTypeAtLocation(node));
    return names.every(n => n === 'RootConfigService');
  }

  private isConfigArray(node: Node): boolean {
    const type = this.checker.getNonNullableType(
      this.checker.getTypeAtLocation(node),
    );
    if (!this.checker.isArrayType(type)) return false;
    const [element] = this.checker.getTypeArguments(
      type as import('typescript').TypeReference,
    );
    return (
      element !== undefined &&
      this.typeNames(element).every(n => ['Config', 'ConfigReader'].includes(n))
    );
  }
}

/** Compiler options of the repository's `tsconfig.json`. */
export function repositoryCompilerOptions(
  ts: TypeScript,
  root: string,
): CompilerOptions {
  const file = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, f => fs.readFileSync(f, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...parsed.options, noEmit: true, incremental: false };
}

/**
 * A compiler host that serves `files` (absolute path to text) from memory and
 * everything else from disk: for tests of the walker on sources written in them.
 */
export function inMemoryHost(
  ts: TypeScript,
  options: CompilerOptions,
  files: Record<string, string>,
): CompilerHost {
  const host = ts.createCompilerHost(options);
  const fromDisk = host.getSourceFile.bind(host);
  return {
    ...host,
    getSourceFile: (name, version, ...rest) =>
      files[name] === undefined
        ? fromDisk(name, version, ...rest)
        : ts.createSourceFile(name, files[name], version, true),
    fileExists: name => files[name] !== undefined || host.fileExists(name),
    directoryExists: name =>
      Object.keys(files).some(f => f.startsWith(`${name}${path.sep}`)) ||
      (host.directoryExists?.(name) ?? true),
    readFile: name => files[name] ?? host.readFile(name),
  };
}

/**
 * Every config read in `files` (absolute paths), traced across them.
 *
 * @param host - Serves the files when they are not on disk (tests of the walker).
 */
export function findConfigReads(options: {
  ts: TypeScript;
  root: string;
  files: string[];
  host?: CompilerHost;
}): ConfigReads {
  const { ts, root, files, host } = options;
  const compilerOptions = repositoryCompilerOptions(ts, root);
  const program = ts.createProgram({
    rootNames: files,
    options: compilerOptions,
    host: host ?? ts.createCompilerHost(compilerOptions),
  });
  return new ConfigReadWalker(
    ts,
    program,
    new Set(files.map(f => path.resolve(f))),
    file => path.relative(root, file),
  ).run();
}
