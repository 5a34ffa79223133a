package dev.gantry.store;

import dev.gantry.auth.Directory;

/** The persistence pieces, opened together at start and closed together at stop. */
public record Stores(Database database, PrincipalStore principals, AuditLog audit, JdbcSpendStore spend, Directory directory,
                     DirectorySync sync) implements AutoCloseable {

    /** Opens the database (migrating it), loads the directory and starts keeping it current. */
    public static Stores open(String url, String user, String password) throws Exception {
        Database db = Database.open(url, user, password);
        AuditLog audit = new AuditLog(db);
        PrincipalStore principals = new PrincipalStore(db, audit);
        Directory directory = new Directory();
        DirectorySync sync = new DirectorySync(principals, directory, 500);
        sync.start();
        return new Stores(db, principals, audit, new JdbcSpendStore(db), directory, sync);
    }

    @Override
    public void close() {
        sync.close();
        database.close();
    }
}
