// Warns before the idle timeout and lets the person stay signed in (WCAG 2.2.1).
// The server signs people out after the idle time whatever this script does; it only warns.
const body = document.body;
const dialog = document.getElementById("session-timeout-dialog");

if (dialog && body.dataset.sessionIdle) {
  const statusUrl = body.dataset.sessionStatusUrl;
  const extendUrl = body.dataset.sessionExtendUrl;
  const warning = Number(body.dataset.sessionWarning);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const message = dialog.querySelector("[data-timeout-message]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  let timer = null;
  let countdown = null;

  const minutesText = (seconds) => {
    const minutes = Math.ceil(seconds / 60);
    return minutes <= 1 ? "1 minute" : `${minutes} minutes`;
  };

  const schedule = (idleLeft, absoluteLeft) => {
    clearTimeout(timer);
    const left = Math.min(idleLeft, absoluteLeft);
    timer = setTimeout(check, Math.max(left - warning, 0) * 1000);
  };

  const showWarning = (idleLeft, absoluteLeft) => {
    const absolute = absoluteLeft <= idleLeft;
    let left = Math.min(idleLeft, absoluteLeft);
    stay.hidden = absolute;
    const update = () => {
      if (left <= 0) {
        clearInterval(countdown);
        message.textContent = "You have been signed out. Copy anything you typed that was not saved, then sign in again.";
        stay.hidden = true;
        return;
      }
      message.textContent = absolute
        ? `For your security you will be signed out in ${minutesText(left)}. Save your work now.`
        : `You will be signed out in ${minutesText(left)} because you have not done anything for a while.`;
    };
    update();
    clearInterval(countdown);
    countdown = setInterval(() => {
      left -= 1;
      if (left % 60 === 0 || left <= 0) update();
    }, 1000);
    if (!dialog.open) dialog.showModal();
  };

  async function check() {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      if (Math.min(data.idle, data.absolute) > warning) {
        schedule(data.idle, data.absolute);
      } else {
        showWarning(data.idle, data.absolute);
      }
    } catch (error) {
      // Offline: try again shortly.
      timer = setTimeout(check, 15000);
    }
  }

  stay.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(extendUrl, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
    });
    if (response.ok) {
      const data = await response.json();
      clearInterval(countdown);
      dialog.close();
      schedule(data.idle_seconds_left, Number.MAX_SAFE_INTEGER);
      check();
    }
  });

  schedule(Number(body.dataset.sessionIdle), Number(body.dataset.sessionAbsolute));
}
