using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Node.Auth;

/// <summary>A user row. <see cref="PasswordHash"/> is a <c>PasswordHasher</c> hash, never the password.</summary>
public sealed record AuthUser(string Id, string Username, string PasswordHash, string Role, bool Banned, long CreatedMs);

public enum RegisterOutcome
{
    Registered,
    InvalidInvite,
    UsernameTaken,
}

/// <summary>A refresh token as issued: the secret (shown once), its expiry and its family (the login session).</summary>
public sealed record RefreshSession(string Token, long ExpiresMs, string FamilyId);

public enum RefreshOutcome
{
    Rotated,
    Invalid,
    Reused,
}

/// <summary>
/// Users, invites and refresh tokens in the node's database (plain ADO, same SQL on SQLite and PostgreSQL).
/// Invite codes and refresh tokens are stored as SHA-256 hashes: a database dump grants nothing.
/// </summary>
public sealed class AuthStore(Database database, TimeProvider clock, ILogger<AuthStore> log)
{
    public const string UsersTable = "auth_users";
    public const string InvitesTable = "auth_invites";
    public const string RefreshTable = "auth_refresh_tokens";

    private static readonly string[] Schema =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {UsersTable} (
            id VARCHAR(32) NOT NULL PRIMARY KEY,
            username VARCHAR(32) NOT NULL UNIQUE,
            password_hash VARCHAR(200) NOT NULL,
            role VARCHAR(16) NOT NULL,
            banned BIGINT NOT NULL,
            created_ms BIGINT NOT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {InvitesTable} (
            code_hash VARCHAR(64) NOT NULL PRIMARY KEY,
            role VARCHAR(16) NOT NULL,
            created_by VARCHAR(32) NOT NULL,
            created_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL,
            used_by VARCHAR(32) NULL,
            used_ms BIGINT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {RefreshTable} (
            token_hash VARCHAR(64) NOT NULL PRIMARY KEY,
            user_id VARCHAR(32) NOT NULL,
            family_id VARCHAR(32) NOT NULL,
            created_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL,
            replaced_ms BIGINT NULL,
            revoked_ms BIGINT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{RefreshTable}_family ON {RefreshTable} (family_id)",
        $"CREATE INDEX IF NOT EXISTS ix_{RefreshTable}_user ON {RefreshTable} (user_id)",
    ];

    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _ready;

    public Database Database { get; } = database;

    /// <summary>Creates the auth tables (idempotent; see <see cref="DatabaseSchema"/>).</summary>
    public static Task EnsureSchemaAsync(Database database, CancellationToken ct) => database.EnsureSchemaAsync(Schema, ct);

    /// <summary>Creates the tables (idempotent) and, while no user exists, the bootstrap admin invite.</summary>
    public async Task EnsureReadyAsync(string? bootstrapInvite, CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _initLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            await EnsureSchemaAsync(Database, ct).ConfigureAwait(false);
            await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);

            if (!string.IsNullOrWhiteSpace(bootstrapInvite))
            {
                await using var count = connection.Command($"SELECT COUNT(*) FROM {UsersTable}");
                var users = Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                if (users == 0)
                {
                    var now = NowMs();
                    await using var insert = connection.Command(
                        $"INSERT INTO {InvitesTable} (code_hash, role, created_by, created_ms, expires_ms) VALUES (@h, @role, @by, @now, @exp) ON CONFLICT (code_hash) DO NOTHING",
                        null,
                        ("@h", Hash(bootstrapInvite)),
                        ("@role", Roles.Admin),
                        ("@by", "bootstrap"),
                        ("@now", now),
                        ("@exp", long.MaxValue));
                    if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                    {
                        log.LogWarning("No users yet: the bootstrap invite (Auth:BootstrapInvite) registers the first admin");
                    }
                }
            }

            _ready = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Creates a single-use invite; returns the code (shown once, stored hashed).</summary>
    public async Task<(string Code, long ExpiresMs)> CreateInviteAsync(string role, string createdBy, TimeSpan lifetime, CancellationToken ct)
    {
        var code = NewSecret(18);
        var now = NowMs();
        var expires = now + (long)lifetime.TotalMilliseconds;
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command(
            $"INSERT INTO {InvitesTable} (code_hash, role, created_by, created_ms, expires_ms) VALUES (@h, @role, @by, @now, @exp)",
            null,
            ("@h", Hash(code)),
            ("@role", role),
            ("@by", createdBy),
            ("@now", now),
            ("@exp", expires));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return (code, expires);
    }

    /// <summary>Claims the invite and creates the user in one transaction: a code registers at most one user.</summary>
    public async Task<(RegisterOutcome Outcome, AuthUser? User)> RegisterAsync(string inviteCode, string username, string passwordHash, CancellationToken ct)
    {
        var now = NowMs();
        var id = Guid.NewGuid().ToString("N");
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        await using (var taken = connection.Command($"SELECT COUNT(*) FROM {UsersTable} WHERE username = @u", tx, ("@u", username)))
        {
            if (Convert.ToInt64(await taken.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return (RegisterOutcome.UsernameTaken, null);
            }
        }

        string? role;
        await using (var find = connection.Command(
            $"SELECT role FROM {InvitesTable} WHERE code_hash = @h AND used_by IS NULL AND expires_ms > @now", tx, ("@h", Hash(inviteCode)), ("@now", now)))
        {
            role = await find.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }

        if (role is null)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return (RegisterOutcome.InvalidInvite, null);
        }

        // Conditional claim: of two concurrent registrations with one code, exactly one updates the row.
        await using (var claim = connection.Command(
            $"UPDATE {InvitesTable} SET used_by = @id, used_ms = @now WHERE code_hash = @h AND used_by IS NULL", tx, ("@id", id), ("@now", now), ("@h", Hash(inviteCode))))
        {
            if (await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return (RegisterOutcome.InvalidInvite, null);
            }
        }

        try
        {
            await using var insert = connection.Command(
                $"INSERT INTO {UsersTable} (id, username, password_hash, role, banned, created_ms) VALUES (@id, @u, @p, @role, 0, @now)",
                tx,
                ("@id", id),
                ("@u", username),
                ("@p", passwordHash),
                ("@role", role),
                ("@now", now));
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // Lost a race for the username: nothing was committed, the invite stays unused.
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            return (RegisterOutcome.UsernameTaken, null);
        }

        log.LogInformation("User {Username} registered with role {Role}", username, role);
        return (RegisterOutcome.Registered, new AuthUser(id, username, passwordHash, role, false, now));
    }

    public Task<AuthUser?> FindByUsernameAsync(string username, CancellationToken ct) =>
        FindOneAsync($"SELECT id, username, password_hash, role, banned, created_ms FROM {UsersTable} WHERE username = @v", username, ct);

    /// <summary>
    /// The user an access token speaks for, and whether its login session still stands: false when its refresh-token
    /// family was revoked (reuse detected, logout, ban) or never existed. One round trip per authenticated request.
    /// </summary>
    public async Task<(AuthUser? User, bool SessionValid)> FindSessionAsync(string userId, string familyId, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT u.id, u.username, u.password_hash, u.role, u.banned, u.created_ms,
                (SELECT COUNT(*) FROM {RefreshTable} t WHERE t.family_id = @f AND t.user_id = u.id),
                (SELECT COUNT(*) FROM {RefreshTable} t WHERE t.family_id = @f AND t.revoked_ms IS NOT NULL)
            FROM {UsersTable} u WHERE u.id = @v
            """,
            null,
            ("@v", userId),
            ("@f", familyId));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return (null, false);
        }

        return (ReadUser(reader), reader.GetInt64(6) > 0 && reader.GetInt64(7) == 0);
    }

    public Task<AuthUser?> FindByIdAsync(string id, CancellationToken ct) =>
        FindOneAsync($"SELECT id, username, password_hash, role, banned, created_ms FROM {UsersTable} WHERE id = @v", id, ct);

    public async Task<IReadOnlyList<AuthUser>> ListUsersAsync(CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT id, username, password_hash, role, banned, created_ms FROM {UsersTable} ORDER BY username");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var users = new List<AuthUser>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            users.Add(ReadUser(reader));
        }

        return users;
    }

    public async Task UpdatePasswordHashAsync(string userId, string passwordHash, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command($"UPDATE {UsersTable} SET password_hash = @p WHERE id = @id", null, ("@p", passwordHash), ("@id", userId));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Bans or unbans; a ban also revokes every refresh token of the user. False when no such user.</summary>
    public async Task<bool> SetBannedAsync(string username, bool banned, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var update = connection.Command($"UPDATE {UsersTable} SET banned = @b WHERE username = @u", tx, ("@b", banned ? 1L : 0L), ("@u", username));
        if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return false;
        }

        if (banned)
        {
            await using var revoke = connection.Command(
                $"UPDATE {RefreshTable} SET revoked_ms = @now WHERE revoked_ms IS NULL AND user_id IN (SELECT id FROM {UsersTable} WHERE username = @u)",
                tx,
                ("@now", NowMs()),
                ("@u", username));
            await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>False when no such user. Access tokens carrying the old role stop working at once.</summary>
    public async Task<bool> SetRoleAsync(string username, string role, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command($"UPDATE {UsersTable} SET role = @r WHERE username = @u", null, ("@r", role), ("@u", username));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <summary>Issues a refresh token in a new family (login) and returns it with its expiry and family.</summary>
    public async Task<RefreshSession> IssueRefreshTokenAsync(string userId, TimeSpan lifetime, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await InsertRefreshAsync(connection, null, userId, Guid.NewGuid().ToString("N"), lifetime, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Rotates a refresh token: the presented one is spent, a new one of the same family is returned.
    /// Presenting a spent or revoked token is reuse (a stolen copy, or the thief was first): the whole
    /// family is revoked, so both the thief and the victim must log in again.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, AuthUser? User, RefreshSession? Next)> RotateRefreshTokenAsync(string token, TimeSpan lifetime, CancellationToken ct)
    {
        var hash = Hash(token);
        var now = NowMs();
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        string userId, familyId;
        long expires;
        bool spent;
        await using (var find = connection.Command(
            $"SELECT user_id, family_id, expires_ms, replaced_ms, revoked_ms FROM {RefreshTable} WHERE token_hash = @h", tx, ("@h", hash)))
        await using (var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return (RefreshOutcome.Invalid, null, null);
            }

            userId = reader.GetString(0);
            familyId = reader.GetString(1);
            expires = reader.GetInt64(2);
            spent = !reader.IsDBNull(3) || !reader.IsDBNull(4);
        }

        if (spent)
        {
            await RevokeFamilyAsync(connection, tx, familyId, now, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            log.LogWarning("Refresh token reuse detected for user id {UserId}: token family revoked", userId);
            return (RefreshOutcome.Reused, null, null);
        }

        if (expires <= now)
        {
            return (RefreshOutcome.Invalid, null, null);
        }

        var user = await FindOneAsync(connection, tx, $"SELECT id, username, password_hash, role, banned, created_ms FROM {UsersTable} WHERE id = @v", userId, ct).ConfigureAwait(false);
        if (user is null || user.Banned)
        {
            await RevokeFamilyAsync(connection, tx, familyId, now, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return (RefreshOutcome.Invalid, null, null);
        }

        await using (var spend = connection.Command(
            $"UPDATE {RefreshTable} SET replaced_ms = @now WHERE token_hash = @h AND replaced_ms IS NULL AND revoked_ms IS NULL", tx, ("@now", now), ("@h", hash)))
        {
            if (await spend.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
            {
                // A concurrent rotation spent it first: that is reuse too.
                await RevokeFamilyAsync(connection, tx, familyId, now, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return (RefreshOutcome.Reused, null, null);
            }
        }

        var next = await InsertRefreshAsync(connection, tx, userId, familyId, lifetime, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return (RefreshOutcome.Rotated, user, next);
    }

    /// <summary>Logout: revokes the family of the presented token. False when the token is unknown.</summary>
    public async Task<bool> RevokeAsync(string token, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        string? family;
        await using (var find = connection.Command($"SELECT family_id FROM {RefreshTable} WHERE token_hash = @h", tx, ("@h", Hash(token))))
        {
            family = await find.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }

        if (family is null)
        {
            return false;
        }

        await RevokeFamilyAsync(connection, tx, family, NowMs(), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    internal static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string NewSecret(int bytes) => Base64UrlEncode(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static AuthUser ReadUser(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4) != 0, r.GetInt64(5));

    private static async Task RevokeFamilyAsync(DbConnection connection, DbTransaction tx, string familyId, long now, CancellationToken ct)
    {
        await using var revoke = connection.Command(
            $"UPDATE {RefreshTable} SET revoked_ms = @now WHERE family_id = @f AND revoked_ms IS NULL", tx, ("@now", now), ("@f", familyId));
        await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<AuthUser?> FindOneAsync(DbConnection connection, DbTransaction? tx, string sql, string value, CancellationToken ct)
    {
        await using var command = connection.Command(sql, tx, ("@v", value));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadUser(reader) : null;
    }

    private async Task<AuthUser?> FindOneAsync(string sql, string value, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await FindOneAsync(connection, null, sql, value, ct).ConfigureAwait(false);
    }

    private async Task<RefreshSession> InsertRefreshAsync(DbConnection connection, DbTransaction? tx, string userId, string familyId, TimeSpan lifetime, CancellationToken ct)
    {
        var token = NewSecret(32);
        var now = NowMs();
        var expires = now + (long)lifetime.TotalMilliseconds;
        await using var insert = connection.Command(
            $"INSERT INTO {RefreshTable} (token_hash, user_id, family_id, created_ms, expires_ms) VALUES (@h, @u, @f, @now, @exp)",
            tx,
            ("@h", Hash(token)),
            ("@u", userId),
            ("@f", familyId),
            ("@now", now),
            ("@exp", expires));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return new RefreshSession(token, expires, familyId);
    }

    private long NowMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
