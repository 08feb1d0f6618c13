import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP server for GatherIT that reads each arrival a fixed time after it arrived: it waits until
 * bytes are queued on the socket (available(), i.e. FIONREAD, which copies nothing), sleeps
 * DELAY_MS, then reads what is queued, so each segment waits in the socket DELAY_MS plus up to a
 * millisecond of polling. Usage: java DelayedReader.java ADDRESS PORT DELAY_MS READS. Prints
 * "listening" once bound; ends after READS reads, or after 60 s.
 */
public class DelayedReader {
    public static void main(String[] args) throws Exception {
        long delayMs = Long.parseLong(args[2]);
        int reads = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 1, InetAddress.getByName(args[0]))) {
            System.out.println("listening");
            System.out.flush();
            server.setSoTimeout(30_000);
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[1 << 16];
                while (reads > 0 && System.nanoTime() < deadline) {
                    if (in.available() == 0) {
                        Thread.sleep(1);
                        continue;
                    }
                    Thread.sleep(delayMs);
                    if (in.read(buf, 0, Math.min(buf.length, in.available())) < 0) {
                        return;
                    }
                    reads--;
                }
            }
        }
    }
}
