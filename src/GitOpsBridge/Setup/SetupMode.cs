using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GitOpsBridge.Hosting;
using GitOpsBridge.Secrets;

namespace GitOpsBridge.Setup;

/// <summary>
/// Whether the service is in first-run setup, and the secrets that protect it: the one-time token
/// (printed once in the log, nowhere else) and the single-use <c>state</c> values of manifest
/// submissions. Setup ends without a restart: when this process completes it, or when another
/// replica did and the credentials show up in the secret sources.
/// </summary>
public sealed partial class SetupMode(ISecretProvider secrets, TimeProvider time, ILogger<SetupMode> logger)
{
    /// <summary>How long a manifest submission's state stays valid (GitHub's code lives one hour too).</summary>
    public static readonly TimeSpan StateLifetime = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _states = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _initialized;
    private volatile bool _active;
    private byte[]? _token;

    /// <summary>True while the App's credentials are missing and the setup page is served.</summary>
    public bool IsActive => _active;

    /// <summary>
    /// Decides the mode once, from every secret source: all three credentials set is normal
    /// operation, none set is setup mode (and the token is logged), some set is an error.
    /// </summary>
    /// <exception cref="StartupCheckException">Some credentials are set and others are missing.</exception>
    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            var check = await StartupCheck.CheckAsync(secrets, cancellationToken);
            if (check.NoneSet)
            {
                var token = RandomNumberGenerator.GetHexString(32, lowercase: true);
                _token = Encoding.ASCII.GetBytes(token);
                _active = true;
                Log.SetupStarted(logger, token);
            }
            else if (!check.Complete)
            {
                throw new StartupCheckException(check.Missing);
            }
            else
            {
                _completed.TrySetResult();
            }

            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <summary>
    /// Whether setup is still pending. While it is, the secret sources are asked again (through
    /// their caches), so a replica notices that another one finished setup.
    /// </summary>
    public async ValueTask<bool> IsActiveAsync(CancellationToken cancellationToken = default)
    {
        if (!_active)
        {
            return false;
        }

        if ((await StartupCheck.CheckAsync(secrets, cancellationToken)).Complete)
        {
            Complete();
            return false;
        }

        return true;
    }

    /// <summary>Completes when the service has its credentials (at once outside setup mode).</summary>
    public Task WaitUntilCompleteAsync(CancellationToken cancellationToken = default) => _completed.Task.WaitAsync(cancellationToken);

    /// <summary>Leaves setup mode: the token and every state stop working, the setup routes answer 404.</summary>
    internal void Complete()
    {
        if (_active)
        {
            _active = false;
            _token = null;
            _states.Clear();
            Log.SetupCompleted(logger);
        }

        _completed.TrySetResult();
    }

    /// <summary>Compares in constant time; false once setup is over.</summary>
    internal bool IsValidToken(string? candidate)
    {
        var token = _token;
        return token is not null && candidate is not null
            && CryptographicOperations.FixedTimeEquals(token, Encoding.ASCII.GetBytes(candidate));
    }

    /// <summary>A new random state for one manifest submission.</summary>
    internal string IssueState()
    {
        var now = time.GetUtcNow();
        foreach (var (stale, issued) in _states)
        {
            if (now - issued > StateLifetime)
            {
                _states.TryRemove(stale, out _);
            }
        }

        var state = RandomNumberGenerator.GetHexString(32, lowercase: true);
        _states[state] = now;
        return state;
    }

    /// <summary>True exactly once for a state this process issued within <see cref="StateLifetime"/>.</summary>
    internal bool TryConsumeState(string? state) =>
        state is not null && _states.TryRemove(state, out var issued) && time.GetUtcNow() - issued <= StateLifetime;

    private static partial class Log
    {
        // The token is logged here and nowhere else: whoever can read the service's log may set it up.
        [LoggerMessage(EventId = 900, Level = LogLevel.Warning,
            Message = "Setup mode: no GitHub App credentials are configured. Open http://<this host>/?token={Token} from this machine to register the GitHub App. Webhooks are refused until setup is complete.")]
        public static partial void SetupStarted(ILogger logger, string token);

        [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "Setup complete: the GitHub App's credentials are stored; webhooks are accepted and the setup page is gone")]
        public static partial void SetupCompleted(ILogger logger);
    }
}
