/**
 * A syntax check for the read/write Cypher that training examples use (MATCH, OPTIONAL MATCH, WHERE,
 * WITH, RETURN, ORDER BY, SKIP, LIMIT, CREATE, MERGE, SET, DELETE, REMOVE, UNWIND, patterns with
 * variable-length relationships, shortestPath, pattern predicates, CASE, lists, maps, parameters).
 *
 * It sits behind `CypherChecker` so that the curation stage's validator (or Neo4j's `EXPLAIN`) can
 * replace it; it checks syntax and clause order, not the schema of a particular graph.
 */
export type CypherVerdict = { ok: true } | { ok: false; error: string };

export interface CypherChecker {
  check(query: string): CypherVerdict | Promise<CypherVerdict>;
}

type Tok = { t: 'id' | 'num' | 'str' | 'param' | 'sym' | 'eof'; v: string; at: number };

const SYMBOLS = ['<>', '<=', '>=', '=~', '..', '(', ')', '[', ']', '{', '}', ',', ':', '.', '|', '*', '+', '-', '/', '%', '^', '=', '<', '>', ';'];

function lex(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (q.startsWith('//', i)) { while (i < q.length && q[i] !== '\n') i++; continue; }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i))![0];
      out.push({ t: 'id', v: m, at: i });
      i += m.length;
      continue;
    }
    if (c === '`') {
      const end = q.indexOf('`', i + 1);
      if (end < 0) throw new SyntaxError(`unterminated backtick name at ${i}`);
      out.push({ t: 'id', v: q.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+(?!\.))?([eE][+-]?\d+)?/.exec(q.slice(i))![0];
      out.push({ t: 'num', v: m, at: i });
      i += m.length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < q.length && q[j] !== c) j += q[j] === '\\' ? 2 : 1;
      if (j >= q.length) throw new SyntaxError(`unterminated string at ${i}`);
      out.push({ t: 'str', v: q.slice(i + 1, j), at: i });
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const m = /^\$[A-Za-z_0-9]+/.exec(q.slice(i));
      if (!m) throw new SyntaxError(`bad parameter at ${i}`);
      out.push({ t: 'param', v: m[0], at: i });
      i += m[0].length;
      continue;
    }
    const sym = SYMBOLS.find((s) => q.startsWith(s, i));
    if (!sym) throw new SyntaxError(`unexpected character '${c}' at ${i}`);
    out.push({ t: 'sym', v: sym, at: i });
    i += sym.length;
  }
  out.push({ t: 'eof', v: '', at: q.length });
  return out;
}

const CLAUSE_WORDS = new Set(['MATCH', 'OPTIONAL', 'WHERE', 'WITH', 'RETURN', 'CREATE', 'MERGE', 'SET', 'DELETE', 'DETACH', 'REMOVE', 'UNWIND', 'ORDER', 'SKIP', 'LIMIT', 'ON', 'UNION']);
const UPDATING = new Set(['CREATE', 'MERGE', 'SET', 'DELETE', 'REMOVE']);

class Parser {
  private p = 0;
  constructor(private readonly toks: Tok[]) {}

  private get cur(): Tok { return this.toks[this.p]!; }
  private kw(word: string): boolean { return this.cur.t === 'id' && this.cur.v.toUpperCase() === word; }
  private sym(s: string): boolean { return this.cur.t === 'sym' && this.cur.v === s; }
  private eatKw(word: string): boolean { if (this.kw(word)) { this.p++; return true; } return false; }
  private eatSym(s: string): boolean { if (this.sym(s)) { this.p++; return true; } return false; }
  private fail(what: string): never {
    throw new SyntaxError(`expected ${what} at offset ${this.cur.at}${this.cur.t === 'eof' ? ' (end of query)' : ` near '${this.cur.v}'`}`);
  }
  private needKw(word: string): void { if (!this.eatKw(word)) this.fail(word); }
  private needSym(s: string): void { if (!this.eatSym(s)) this.fail(`'${s}'`); }
  private name(): string {
    if (this.cur.t !== 'id') this.fail('a name');
    return this.toks[this.p++]!.v;
  }

  query(): void {
    const clauses: string[] = [];
    do {
      while (!this.sym(';') && this.cur.t !== 'eof' && !this.kw('UNION')) clauses.push(this.clause());
      if (clauses.length === 0) this.fail('a clause');
      const last = clauses[clauses.length - 1]!;
      if (last !== 'RETURN' && !UPDATING.has(last)) this.fail('RETURN or an updating clause to end the query');
      if (clauses.slice(0, -1).includes('RETURN')) throw new SyntaxError('RETURN can only be used at the end of the query');
      clauses.length = 0;
    } while (this.eatKw('UNION') && (this.eatKw('ALL') || true));
    this.eatSym(';');
    if (this.cur.t !== 'eof') this.fail('end of query');
  }

  private clause(): string {
    if (this.eatKw('OPTIONAL')) { this.needKw('MATCH'); this.patternList(); this.where(); return 'MATCH'; }
    if (this.eatKw('MATCH')) { this.patternList(); this.where(); return 'MATCH'; }
    if (this.eatKw('CREATE')) { this.patternList(); return 'CREATE'; }
    if (this.eatKw('MERGE')) {
      this.patternPart();
      while (this.eatKw('ON')) { if (!this.eatKw('CREATE')) this.needKw('MATCH'); this.needKw('SET'); this.setItems(); }
      return 'MERGE';
    }
    if (this.eatKw('SET')) { this.setItems(); return 'SET'; }
    if (this.eatKw('DETACH')) { this.needKw('DELETE'); this.exprList(); return 'DELETE'; }
    if (this.eatKw('DELETE')) { this.exprList(); return 'DELETE'; }
    if (this.eatKw('REMOVE')) {
      do { this.name(); if (this.eatSym(':')) { this.name(); while (this.eatSym(':')) this.name(); } else { this.needSym('.'); this.name(); } } while (this.eatSym(','));
      return 'REMOVE';
    }
    if (this.eatKw('UNWIND')) { this.expr(); this.needKw('AS'); this.name(); return 'UNWIND'; }
    if (this.eatKw('WITH')) { this.projection(); this.where(); return 'WITH'; }
    if (this.eatKw('RETURN')) { this.projection(); return 'RETURN'; }
    return this.fail('a clause (MATCH, CREATE, MERGE, WITH, RETURN, ...)');
  }

  private where(): void { if (this.eatKw('WHERE')) this.expr(); }

  private projection(): void {
    this.eatKw('DISTINCT');
    if (!this.eatSym('*')) {
      do { this.expr(); if (this.eatKw('AS')) this.name(); } while (this.eatSym(','));
    }
    if (this.eatKw('ORDER')) {
      this.needKw('BY');
      do { this.expr(); if (!this.eatKw('DESC') && !this.eatKw('DESCENDING') && !this.eatKw('ASC')) this.eatKw('ASCENDING'); } while (this.eatSym(','));
    }
    if (this.eatKw('SKIP')) this.expr();
    if (this.eatKw('LIMIT')) this.expr();
  }

  private setItems(): void {
    do {
      this.name();
      if (this.eatSym(':')) { this.name(); while (this.eatSym(':')) this.name(); continue; }
      if (this.eatSym('.')) { this.name(); this.needSym('='); this.expr(); continue; }
      if (this.eatSym('+')) { this.needSym('='); this.expr(); continue; }
      this.needSym('='); this.expr();
    } while (this.eatSym(','));
  }

  private exprList(): void { do this.expr(); while (this.eatSym(',')); }

  private patternList(): void { do this.patternPart(); while (this.eatSym(',')); }

  private patternPart(): void {
    if (this.cur.t === 'id' && this.toks[this.p + 1]?.v === '=' && this.toks[this.p + 1]?.t === 'sym') { this.p += 2; }
    if (this.kw('SHORTESTPATH') || this.kw('ALLSHORTESTPATHS')) { this.p++; this.needSym('('); this.patternElement(); this.needSym(')'); return; }
    this.patternElement();
  }

  private patternElement(): number {
    this.node();
    let rels = 0;
    while (this.sym('-') || this.sym('<')) { this.relationship(); this.node(); rels++; }
    return rels;
  }

  private node(): void {
    this.needSym('(');
    if (this.cur.t === 'id' && !this.sym(':')) this.p++;
    while (this.eatSym(':')) this.name();
    if (this.sym('{')) this.map(); else if (this.cur.t === 'param') this.p++;
    if (this.eatKw('WHERE')) this.expr();
    this.needSym(')');
  }

  private relationship(): void {
    this.eatSym('<');
    this.needSym('-');
    if (this.eatSym('[')) {
      if (this.cur.t === 'id') this.p++;
      if (this.eatSym(':')) { this.name(); while (this.eatSym('|')) { this.eatSym(':'); this.name(); } }
      if (this.eatSym('*')) {
        if (this.cur.t === 'num') this.p++;
        if (this.eatSym('..')) { if (this.cur.t === 'num') this.p++; }
      }
      if (this.sym('{')) this.map(); else if (this.cur.t === 'param') this.p++;
      this.needSym(']');
    }
    this.needSym('-');
    this.eatSym('>');
  }

  private map(): void {
    this.needSym('{');
    if (!this.sym('}')) {
      do { if (this.cur.t !== 'id' && this.cur.t !== 'str') this.fail('a map key'); this.p++; this.needSym(':'); this.expr(); } while (this.eatSym(','));
    }
    this.needSym('}');
  }

  expr(): void {
    this.and();
    while (this.eatKw('OR') || this.eatKw('XOR')) this.and();
  }
  private and(): void { this.not(); while (this.eatKw('AND')) this.not(); }
  private not(): void { while (this.eatKw('NOT')); this.comparison(); }
  private comparison(): void {
    this.additive();
    for (;;) {
      if (['=', '<>', '<', '>', '<=', '>=', '=~'].some((s) => this.sym(s))) { this.p++; this.additive(); continue; }
      if (this.eatKw('IS')) { this.eatKw('NOT'); this.needKw('NULL'); continue; }
      if (this.eatKw('STARTS') || this.eatKw('ENDS')) { this.needKw('WITH'); this.additive(); continue; }
      if (this.eatKw('CONTAINS') || this.eatKw('IN')) { this.additive(); continue; }
      return;
    }
  }
  private additive(): void { this.mult(); while (this.sym('+') || this.sym('-')) { this.p++; this.mult(); } }
  private mult(): void { this.unary(); while (this.sym('*') || this.sym('/') || this.sym('%') || this.sym('^')) { this.p++; this.unary(); } }
  private unary(): void { while (this.sym('-') || this.sym('+')) this.p++; this.postfix(); }
  private postfix(): void {
    this.atom();
    for (;;) {
      if (this.eatSym('.')) { this.name(); continue; }
      if (this.eatSym('[')) {
        if (!this.sym('..')) this.expr();
        if (this.eatSym('..')) { if (!this.sym(']')) this.expr(); }
        this.needSym(']');
        continue;
      }
      if (this.sym(':') && this.toks[this.p + 1]?.t === 'id') { this.p++; this.name(); continue; }
      return;
    }
  }

  private atom(): void {
    const c = this.cur;
    if (c.t === 'num' || c.t === 'str' || c.t === 'param') { this.p++; return; }
    if (this.sym('{')) { this.map(); return; }
    if (this.eatSym('[')) {
      if (!this.sym(']')) {
        this.expr();
        if (this.eatKw('IN')) { this.expr(); this.where(); if (this.eatSym('|')) this.expr(); }
        else while (this.eatSym(',')) this.expr();
      }
      this.needSym(']');
      return;
    }
    if (this.sym('(')) {
      // A pattern predicate such as (u)-[:KNOWS]->(f), or a parenthesised expression.
      const save = this.p;
      try {
        if (this.patternElement() > 0) return;
      } catch {
        // not a pattern
      }
      this.p = save;
      this.needSym('(');
      this.expr();
      this.needSym(')');
      return;
    }
    if (c.t !== 'id') this.fail('an expression');
    const word = c.v.toUpperCase();
    if (word === 'CASE') {
      this.p++;
      if (!this.kw('WHEN')) this.expr();
      if (!this.kw('WHEN')) this.fail('WHEN');
      while (this.eatKw('WHEN')) { this.expr(); this.needKw('THEN'); this.expr(); }
      if (this.eatKw('ELSE')) this.expr();
      this.needKw('END');
      return;
    }
    if (word === 'EXISTS' && this.toks[this.p + 1]?.v === '{') {
      this.p += 2;
      if (this.eatKw('MATCH')) this.patternList(); else this.patternList();
      this.where();
      this.needSym('}');
      return;
    }
    if (CLAUSE_WORDS.has(word) && word !== 'ON') this.fail('an expression');
    this.p++;
    if (this.eatSym('(')) {
      this.eatKw('DISTINCT');
      if (!this.eatSym('*') && !this.sym(')')) this.exprList();
      this.needSym(')');
    }
  }
}

/** Neo4j's own parser (through activities/cypher/parse.ts, shared with curation and evaluation): exact, but tens of ms per query. */
export const neo4jCypherChecker: CypherChecker = {
  async check(query) {
    const { cypherError } = await import('../../cypher/parse.js');
    const error = await cypherError(query);
    return error === undefined ? { ok: true } : { ok: false, error };
  },
};

/** The built-in checker (see the module comment for what it covers). */
export const builtinCypherChecker: { check(query: string): CypherVerdict } = {
  check(query) {
    try {
      new Parser(lex(query)).query();
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  },
};
