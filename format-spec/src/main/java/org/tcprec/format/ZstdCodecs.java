package org.tcprec.format;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * ZSTD (and uncompressed) pages through zstd-jni directly. Parquet's bundled codec factory reaches
 * compression through Hadoop's codec classes; this one keeps Hadoop off the runtime class path.
 */
final class ZstdCodecs implements CompressionCodecFactory {
    static final int LEVEL = 3;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case ZSTD ->
                new BytesInputCompressor() {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        return BytesInput.from(Zstd.compress(bytes.toByteArray(), LEVEL));
                    }

                    @Override
                    public CompressionCodecName getCodecName() {
                        return CompressionCodecName.ZSTD;
                    }

                    @Override
                    public void release() {}
                };
            case UNCOMPRESSED ->
                new BytesInputCompressor() {
                    @Override
                    public BytesInput compress(BytesInput bytes) {
                        return bytes;
                    }

                    @Override
                    public CompressionCodecName getCodecName() {
                        return CompressionCodecName.UNCOMPRESSED;
                    }

                    @Override
                    public void release() {}
                };
            default -> throw new IllegalArgumentException("unsupported Parquet codec " + codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case ZSTD ->
                new BytesInputDecompressor() {
                    @Override
                    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                        byte[] out = new byte[uncompressedSize];
                        long n = Zstd.decompress(out, bytes.toByteArray());
                        if (n != uncompressedSize) {
                            throw new IOException("corrupt ZSTD page: " + n + " bytes instead of " + uncompressedSize);
                        }
                        return BytesInput.from(out);
                    }

                    @Override
                    public void decompress(
                            ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                            throws IOException {
                        byte[] in = new byte[compressedSize];
                        input.get(in);
                        byte[] out = new byte[uncompressedSize];
                        long n = Zstd.decompress(out, in);
                        if (n != uncompressedSize) {
                            throw new IOException("corrupt ZSTD page: " + n + " bytes instead of " + uncompressedSize);
                        }
                        output.put(out);
                    }

                    @Override
                    public void release() {}
                };
            case UNCOMPRESSED ->
                new BytesInputDecompressor() {
                    @Override
                    public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
                        return bytes;
                    }

                    @Override
                    public void decompress(
                            ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
                        ByteBuffer slice = input.slice();
                        slice.limit(compressedSize);
                        output.put(slice);
                    }

                    @Override
                    public void release() {}
                };
            default -> throw new IllegalArgumentException("unsupported Parquet codec " + codec);
        };
    }

    @Override
    public void release() {}
}
