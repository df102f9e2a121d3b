/**
 * Certificate changes as Runtime API commands, so that a rotated Secret or a
 * new TLS host never reloads HAProxy: a changed certificate is replaced with
 * `set ssl cert` + `commit ssl cert`, a new one is created (`new ssl cert`),
 * filled, committed and added to the crt-list, a removed one leaves the
 * crt-list and the certificate store. Pure: returns the commands and the files
 * to write or remove, so that a later reload loads the same certificates.
 */
import type { CliCommand } from '../../haproxy/cli-socket.ts';
import type { Certificate, DesiredState } from '../../model/types.ts';
import { crtListContent, type RenderedFile } from '../config/render.ts';
import { CERT_DIR, CRT_LIST } from '../config/view.ts';

export type TlsState = Pick<DesiredState['tls'], 'certificates' | 'defaultCertificate'>;

export interface CertificatePlan {
  commands: CliCommand[];
  /** Files to (re)write, relative to the config directory. */
  write: RenderedFile[];
  /** Files to delete, relative to the config directory. */
  remove: string[];
}

/** Private keys: readable by the owner only. */
const KEY_MODE = 0o600;

/**
 * Commands that take HAProxy from `before` to `after`. The default
 * certificate's file must be the same in both (it is named by the `crt`
 * directive of the bind line: changing it is a structure change).
 * `dir` is the config directory, as named in haproxy.cfg.
 */
export function planCertificates(before: TlsState, after: TlsState, dir: string): CertificatePlan {
  const plan: CertificatePlan = { commands: [], write: [], remove: [] };
  const path = (c: Certificate) => `${dir}/${CERT_DIR}/${c.file}`;
  const crtList = `${dir}/${CRT_LIST}`;
  const listed = new Map(before.certificates.map((c) => [c.file, c]));
  const wanted = new Set(after.certificates.map((c) => c.file));
  const defaultFile = after.defaultCertificate?.file;
  const replaced = new Set<string>();

  // Content of a certificate HAProxy already has in a store: one transaction per file.
  const replace = (previous: Certificate, next: Certificate) => {
    if (previous.pem === next.pem || replaced.has(next.file)) return;
    replaced.add(next.file);
    plan.commands.push(
      { line: `set ssl cert ${path(next)}`, payload: next.pem },
      `commit ssl cert ${path(next)}`,
    );
    plan.write.push({ path: `${CERT_DIR}/${next.file}`, content: next.pem, mode: KEY_MODE });
  };
  const addEntry = (c: Certificate) =>
    plan.commands.push({ line: `add ssl crt-list ${crtList}`, payload: `${path(c)} ${c.sni.join(' ')}` });
  const deleteEntry = (c: Certificate) => plan.commands.push(`del ssl crt-list ${crtList} ${path(c)}`);

  // Removals first, so that an SNI name moving from one Secret to another is never claimed twice.
  for (const old of before.certificates) {
    if (wanted.has(old.file)) continue;
    deleteEntry(old);
    if (old.file === defaultFile) continue;
    plan.commands.push(`del ssl cert ${path(old)}`);
    plan.remove.push(`${CERT_DIR}/${old.file}`);
  }

  for (const certificate of after.certificates) {
    const old = listed.get(certificate.file);
    if (old) {
      replace(old, certificate);
      if (old.sni.join(' ') !== certificate.sni.join(' ')) {
        deleteEntry(old);
        addEntry(certificate);
      }
      continue;
    }
    if (certificate.file === before.defaultCertificate?.file) {
      // Already loaded through the bind line's `crt`: only its content may have changed.
      replace(before.defaultCertificate, certificate);
    } else {
      plan.commands.push(
        `new ssl cert ${path(certificate)}`,
        { line: `set ssl cert ${path(certificate)}`, payload: certificate.pem },
        `commit ssl cert ${path(certificate)}`,
      );
      plan.write.push({ path: `${CERT_DIR}/${certificate.file}`, content: certificate.pem, mode: KEY_MODE });
    }
    addEntry(certificate);
  }

  if (before.defaultCertificate && after.defaultCertificate)
    replace(before.defaultCertificate, after.defaultCertificate);

  const list = crtListContent(after.certificates, dir);
  if (list !== crtListContent(before.certificates, dir))
    plan.write.push({ path: CRT_LIST, content: list, mode: 0o644 });
  return plan;
}
