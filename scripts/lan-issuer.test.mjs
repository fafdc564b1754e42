import { describe, expect, it } from 'vitest';
import { lanAddress, startIssuer } from './lan-issuer.mjs';

const v4 = (address, internal = false) => ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` });
const v6 = (address, internal = false) => ({ address, family: 'IPv6', internal, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: `${address}/64`, scopeid: 0 });

const loopbackOnly = { lo: [v4('127.0.0.1', true), v6('::1', true)] };
const laptop = {
  lo: [v4('127.0.0.1', true), v6('::1', true)],
  docker0: [v4('172.17.0.1')],
  wlan0: [v6('fe80::1'), v4('192.168.1.20')],
};

describe('lanAddress: the address a phone on the same network can reach', () => {
  it('prefers a home network (192.168/16) over a container bridge listed first, and skips loopback and IPv6', () => {
    expect(lanAddress(laptop)).toBe('192.168.1.20');
  });

  it('takes 10/8 before 172.16/12, a public address last, and never link-local 169.254/16', () => {
    expect(lanAddress({ eth1: [v4('203.0.113.5')], br0: [v4('172.20.0.1')], eth0: [v4('10.0.0.7')] })).toBe('10.0.0.7');
    expect(lanAddress({ eth1: [v4('203.0.113.5')], br0: [v4('172.20.0.1')] })).toBe('172.20.0.1');
    expect(lanAddress({ eth0: [v4('169.254.3.4')], eth1: [v4('203.0.113.5')] })).toBe('203.0.113.5');
  });

  it('keeps the interfaces’ order within a range, and accepts the numeric family of Node 18.0', () => {
    expect(lanAddress({ eth0: [v4('192.168.5.2')], wlan0: [v4('192.168.1.20')] })).toBe('192.168.5.2');
    expect(lanAddress({ eth0: [{ ...v4('192.168.7.7'), family: 4 }] })).toBe('192.168.7.7');
  });

  it('is undefined with no network at all', () => {
    expect(lanAddress(loopbackOnly)).toBeUndefined();
    expect(lanAddress({ eth0: undefined, lo: [] })).toBeUndefined();
  });
});

describe('startIssuer: what npm start gives the portal', () => {
  it('without PAIRGATE_ISSUER: the LAN address on PORT, with the phone URL', () => {
    expect(startIssuer({}, laptop)).toEqual({ issuer: 'http://192.168.1.20:3000', phoneUrl: 'http://192.168.1.20:3000/activate', listensOnLan: true });
    expect(startIssuer({ PORT: '8080' }, laptop).issuer).toBe('http://192.168.1.20:8080');
  });

  it('no network: localhost, no phone URL', () => {
    expect(startIssuer({}, loopbackOnly)).toEqual({ issuer: 'http://localhost:3000', phoneUrl: undefined, listensOnLan: true });
  });

  it('PAIRGATE_ISSUER wins; a loopback HOST keeps it on this machine; a specific HOST is the address', () => {
    expect(startIssuer({ PAIRGATE_ISSUER: 'http://tv.lan:3000' }, laptop)).toEqual({ issuer: 'http://tv.lan:3000', phoneUrl: 'http://tv.lan:3000/activate', listensOnLan: true });
    expect(startIssuer({ PAIRGATE_ISSUER: 'http://localhost:3000', HOST: '127.0.0.1' }, laptop)).toEqual({ issuer: 'http://localhost:3000', phoneUrl: undefined, listensOnLan: false });
    expect(startIssuer({ HOST: '127.0.0.1' }, laptop)).toEqual({ issuer: 'http://localhost:3000', phoneUrl: undefined, listensOnLan: false });
    expect(startIssuer({ HOST: '10.1.2.3' }, laptop).issuer).toBe('http://10.1.2.3:3000');
    expect(startIssuer({ HOST: 'fd00::20' }, laptop).issuer).toBe('http://[fd00::20]:3000');
    expect(startIssuer({ HOST: '0.0.0.0' }, laptop).issuer).toBe('http://192.168.1.20:3000');
  });

  it('an issuer that is not a URL is passed on for the portal to refuse, without a phone URL', () => {
    expect(startIssuer({ PAIRGATE_ISSUER: 'not a url' }, laptop)).toEqual({ issuer: 'not a url', phoneUrl: undefined, listensOnLan: true });
  });
});
