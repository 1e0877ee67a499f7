"""Prints, as JSON, the texts of the QR codes zxing-cpp finds in an image."""
import json
import sys

import zxingcpp
from PIL import Image

image = Image.open(sys.argv[1]).convert("RGB")
found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
print(json.dumps([code.text for code in found]))
