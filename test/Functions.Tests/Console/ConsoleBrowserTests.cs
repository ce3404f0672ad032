using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Functions.Testing;
using Functions.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Functions.Tests.Console;

/// <summary>
/// The operator console in a real browser: Debian's Chromium, driven through Debian's chromedriver, against the local
/// runner as a process in both modes (embedded, and --aws-endpoint on moto). It signs in, finds a task scheduled
/// through the API, opens it and reads its attempts, cancels a pending one, pauses a schedule, and shows that a task
/// whose data and answer hold markup puts that markup on the page as text. Screenshots go under the test output
/// (screenshots/console-{mode}/).
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class ConsoleBrowserTests(MotoServer moto)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private const string Xss = "<img src=x onerror=alert(1)>";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Modes => new() { "embedded", "aws" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheConsole_SignsIn_ShowsATasksAttempts_CancelsAPendingTask_PausesASchedule_AndKeepsMarkupInert(string mode)
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver), $"Chromium and chromedriver are needed at {Chromium} and {ChromeDriver}: apt-get install chromium chromium-driver (scripts/install-prerequisites.sh does).");
        await using var target = await TargetServer.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "console-" + Guid.NewGuid().ToString("N"));
        var name = "console-" + Guid.NewGuid().ToString("N")[..10];
        await using var runner = await RunnerProcess.StartAsync(RunnerProcess.FreePort(), data, mode == "aws" ? moto.Endpoint : null, new Dictionary<string, string>
        {
            ["TASKS_API_TOKEN"] = TestSettings.Token,
            ["WEBHOOK_SIGNING_SECRET"] = TestSettings.SigningSecret,
            ["ALLOWED_TARGET_HOSTS"] = "127.0.0.1",
            ["TASKS_TABLE_NAME"] = name,
            ["SCHEDULE_GROUP_NAME"] = name,
        });
        using var http = new HttpClient { BaseAddress = new Uri(runner.Url) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestSettings.Token);

        // Through the API: a task that fails once with markup in its data and in the target's answer, a pending task,
        // and a schedule.
        target.ThenText(500, "upstream says " + Xss);
        var failed = await PostAsync(http, "/api/v1/tasks/schedule", $$$"""{"delay_seconds": 0, "max_attempts": 1, "url": "{{{target.BaseUrl}}}/hook", "data": {"note": "{{{Xss}}}"}}""", "task_id");
        await Poll.UntilAsync(async () => (await TaskAsync(http, failed)).GetProperty("status").GetString() == "failed", Patience, "the first task failed");
        var pending = await PostAsync(http, "/api/v1/tasks/schedule", """{"delay_minutes": 60, "data": {"n": 2}}""", "task_id");
        var schedule = await PostAsync(http, "/api/v1/schedules", $$$"""{"name": "nightly report", "schedule_expression": "cron(0 9 * * ? *)", "time_zone": "Asia/Seoul", "url": "{{{target.BaseUrl}}}/report"}""", "schedule_id");

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots", "console-" + mode);
        Directory.CreateDirectory(shots);
        using var browser = StartChromium(data);
        var wait = new WebDriverWait(browser, Patience);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException)); // the pages re-render whole after an action
        try
        {
            // Sign in: the key goes into a password field and the form submits on Enter; the tasks page shows.
            browser.Navigate().GoToUrl(runner.Url + "/console");
            var key = wait.Until(d => d.FindElement(By.Id("api-key")));
            Assert.Equal("password", key.GetAttribute("type"));
            key.SendKeys(TestSettings.Token + Keys.Enter);
            var link = wait.Until(d => d.FindElements(By.CssSelector("#tasks a.task-link")).FirstOrDefault(a => a.Text == failed));
            Assert.Contains(browser.FindElements(By.CssSelector("#tasks a.task-link")), a => a.Text == pending);
            Assert.Equal(TestSettings.Token, ((IJavaScriptExecutor)browser).ExecuteScript("return sessionStorage.getItem('delayed-http-tasks.api-key')"));
            Assert.Null(((IJavaScriptExecutor)browser).ExecuteScript("return localStorage.getItem('delayed-http-tasks.api-key')"));
            wait.Until(d => d.FindElement(By.CssSelector("#counts [data-status=failed]")).Text.EndsWith(" 1", StringComparison.Ordinal));
            Save(browser, shots, "01-tasks");

            // The failed task: its data and the target's answer are on the page as the characters they are.
            link!.Click();
            var attempt = wait.Until(d => d.FindElements(By.CssSelector("#attempts li")).SingleOrDefault());
            Assert.Contains("HTTP 500", attempt!.Text, StringComparison.Ordinal);
            Assert.Equal("upstream says " + Xss, attempt.FindElement(By.CssSelector("pre.response")).Text);
            Assert.Contains(Xss, browser.FindElement(By.Id("task-data")).Text, StringComparison.Ordinal);
            Assert.Empty(browser.FindElements(By.TagName("img")));
            Assert.Throws<NoAlertPresentException>(() => browser.SwitchTo().Alert());
            Save(browser, shots, "02-task-attempts");

            // A reload stays signed in.
            browser.Navigate().Refresh();
            wait.Until(d => d.FindElements(By.CssSelector("#attempts li")).Count == 1);
            Assert.False(browser.FindElement(By.Id("sign-in")).Displayed);

            // Retry shows the API's answer.
            browser.FindElement(By.Id("retry-task")).Click();
            wait.Until(d => d.FindElement(By.Id("action-answer")).Text.StartsWith("202", StringComparison.Ordinal));

            // The pending task: Cancel asks first, then shows the API's answer.
            browser.Navigate().GoToUrl($"{runner.Url}/console#/tasks/{pending}");
            wait.Until(d => d.FindElement(By.Id("task-fields")).Text.Contains(pending, StringComparison.Ordinal));
            wait.Until(d => d.FindElement(By.Id("cancel-task"))).Click();
            var confirm = wait.Until(d => { try { return d.SwitchTo().Alert(); } catch (NoAlertPresentException) { return null; } });
            Assert.Contains(pending, confirm!.Text, StringComparison.Ordinal);
            confirm.Accept();
            wait.Until(d => d.FindElement(By.Id("action-answer")).Text.StartsWith("200", StringComparison.Ordinal));
            wait.Until(d => d.FindElement(By.CssSelector("#task-fields .status")).Text == "cancelled");
            Assert.Equal("cancelled", (await TaskAsync(http, pending)).GetProperty("status").GetString());
            Save(browser, shots, "03-task-cancelled");

            // Schedules: pause one.
            browser.FindElement(By.LinkText("Schedules")).Click();
            var row = wait.Until(d => d.FindElement(By.CssSelector($"tr[data-schedule-id='{schedule}']")));
            Assert.Contains("cron(0 9 * * ? *)", row.Text, StringComparison.Ordinal);
            Assert.Contains("Asia/Seoul", row.Text, StringComparison.Ordinal);
            row.FindElement(By.CssSelector("button.pause")).Click();
            wait.Until(d => d.FindElement(By.CssSelector($"tr[data-schedule-id='{schedule}'] button.resume")));
            Assert.Equal("paused", (await http.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{schedule}")).GetProperty("state").GetString());
            Save(browser, shots, "04-schedule-paused");

            // Dead letters: empty now (the failed task was retried), and the page says so.
            browser.FindElement(By.LinkText("Dead letters")).Click();
            wait.Until(d => d.FindElement(By.Id("redrive")));
            Save(browser, shots, "05-dead-letters");

            // Signing out forgets the key.
            browser.FindElement(By.Id("sign-out")).Click();
            wait.Until(d => d.FindElement(By.Id("sign-in")).Displayed);
            Assert.Null(((IJavaScriptExecutor)browser).ExecuteScript("return sessionStorage.getItem('delayed-http-tasks.api-key')"));
        }
        catch
        {
            Save(browser, shots, "failure");
            throw;
        }
        finally
        {
            TryDelete(data);
        }
    }

    private static ChromeDriver StartChromium(string dataFolder)
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium, UnhandledPromptBehavior = UnhandledPromptBehavior.Ignore };
        // As root in a container, with this machine's closed network: no sandbox, no background connections.
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
            "--user-data-dir=" + Path.Combine(dataFolder, "chromium-profile"));
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static void Save(IWebDriver browser, string folder, string name) =>
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(Path.Combine(folder, name + ".png"));

    private static async Task<string> PostAsync(HttpClient http, string path, string body, string idField)
    {
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty(idField).GetString()!;
    }

    private static async Task<JsonElement> TaskAsync(HttpClient http, string id) => await http.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}");

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
