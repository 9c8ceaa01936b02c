/**
 * A local DNS resolver (RFC 1035 over UDP) answering A queries from what a test gives it (the Route 53 peer's
 * records once a change is INSYNC): what `targets.dns.resolver` points the verify step at.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export class DnsServer {
  private socket?: dgram.Socket;
  readonly queries: Array<{ name: string; type: number }> = [];
  constructor(private readonly answer: (name: string, type: number) => string[]) {}

  get address(): string {
    return `127.0.0.1:${(this.socket!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    const s = dgram.createSocket('udp4');
    s.on('message', (msg, from) => {
      let at = 12;
      const labels: string[] = [];
      while (msg[at]! > 0) {
        labels.push(msg.subarray(at + 1, at + 1 + msg[at]!).toString('ascii'));
        at += msg[at]! + 1;
      }
      const question = msg.subarray(12, at + 5);
      const type = msg.readUInt16BE(at + 1);
      const name = `${labels.join('.').toLowerCase()}.`;
      this.queries.push({ name, type });
      const ips = type === 1 ? this.answer(name, type) : [];
      const header = Buffer.alloc(12);
      header.writeUInt16BE(msg.readUInt16BE(0), 0);
      header.writeUInt16BE(ips.length ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN when nothing
      header.writeUInt16BE(1, 4);
      header.writeUInt16BE(ips.length, 6);
      const answers = ips.map((ip) => {
        const rr = Buffer.alloc(16);
        rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
        rr.writeUInt16BE(1, 2);
        rr.writeUInt16BE(1, 4);
        rr.writeUInt32BE(60, 6);
        rr.writeUInt16BE(4, 10);
        ip.split('.').forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
        return rr;
      });
      s.send(Buffer.concat([header, question, ...answers]), from.port, from.address);
    });
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    this.socket = s;
    return this;
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
