// Chat alerts for the agent console, loaded as a module by the live chat list.
export function alertCrisis() {
  const context = new (window.AudioContext || window.webkitAudioContext)();
  [0, 0.35].forEach(start => {
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.25, context.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + start + 0.3);
    tone.connect(gain).connect(context.destination);
    tone.start(context.currentTime + start);
    tone.stop(context.currentTime + start + 0.3);
  });
}
