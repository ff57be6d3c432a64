// A QR code drawn here, from the link, as SVG: nothing leaves the machine, and it prints sharp.
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode({ text }: { text: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Level M survives a scuffed or creased card; a 60-character link stays a small code.
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((made) => live && setSvg(made))
      .catch(() => live && setSvg(null));
    return () => {
      live = false;
    };
  }, [text]);
  // The SVG is made here from our own link, never from a server or a person's text.
  return svg ? <div className="qr" data-testid="qr" role="img" aria-label="QR" dangerouslySetInnerHTML={{ __html: svg }} /> : <div className="qr" />;
}
