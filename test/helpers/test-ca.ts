import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate (what the policy's caBundle points at). */
  caFile: string;
  serverCert: string;
  serverKey: string;
  /** Another CA that did not sign the server's certificate. */
  rogueCaFile: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * A private CA and a server certificate it signed for `names` (subjectAltName DNS entries only, so that
 * connecting by another name or by IP fails host name verification), made with openssl in `dir`.
 */
export function makeTestCa(dir: string, names: string[] = ['localhost']): TestCa {
  const f = (n: string) => join(dir, n);
  for (const ca of ['ca', 'rogue']) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=dr-bot test ${ca} CA`, '-keyout', f(`${ca}.key`), '-out', f(`${ca}.crt`)]);
  }
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0]}`, '-keyout', f('server.key'), '-out', f('server.csr')]);
  const ext = f('server.ext');
  execFileSync('sh', ['-c', `printf 'subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\\nbasicConstraints=CA:FALSE\\nkeyUsage=digitalSignature,keyEncipherment\\nextendedKeyUsage=serverAuth\\n' > '${ext}'`]);
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', f('server.crt')]);
  return { caFile: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), rogueCaFile: f('rogue.crt') };
}
