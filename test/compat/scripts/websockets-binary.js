// Binary messages: a Blob by default, an ArrayBuffer with binaryType 'arraybuffer'; send() takes
// typed arrays, ArrayBuffers and Blobs.
import { WebSocket, Blob } from 'k6/websockets';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const ws = new WebSocket(__ENV.WS_URL);
  let step = 0;
  ws.onopen = () => ws.send(new Uint8Array([1, 2, 3, 4]));
  ws.onmessage = async (event) => {
    step += 1;
    if (step === 1) {
      check(event.data, { 'a Blob by default': (data) => data instanceof Blob && data.size === 4 });
      const bytes = new Uint8Array(await event.data.arrayBuffer());
      check(bytes, { 'its bytes': (b) => b.join(',') === '1,2,3,4' });
      ws.binaryType = 'arraybuffer';
      ws.send(new Blob(['wsk', new Uint8Array([33])]));
      return;
    }
    check(event.data, {
      'an ArrayBuffer when asked': (data) => data instanceof ArrayBuffer,
      'the Blob went out as bytes': (data) => String.fromCharCode(...new Uint8Array(data)) === 'wsk!',
    });
    ws.close();
  };
}
