/** Calls the emulator's Web API with fetch, returning Slack's JSON without throwing on ok:false. */
export async function callApi(apiUrl: string, token: string | undefined, method: string, args: Record<string, unknown> = {}, asJson = false): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string;
  if (asJson) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(args);
  } else {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
  }
  const res = await fetch(`${apiUrl}${method}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: await res.json() };
}
