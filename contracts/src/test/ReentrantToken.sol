// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only hostile token: on every transfer it calls an armed target with armed
/// calldata (as itself), records whether that call succeeded and what it returned, and goes on.
/// It can also act as a market participant through `exec`, so a re-entrant call has funds of its
/// own to try to move.
contract ReentrantToken is ERC20 {
    address public hookTarget;
    bytes public hookData;
    bool public hookFired;
    bool public hookSucceeded;
    bytes public hookResult;
    bool private _inHook;

    constructor() ERC20("Reentrant", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// Arms the hook: the next transfer calls `target` with `data`.
    function arm(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
        hookFired = false;
    }

    /// Calls `target` with `data` as this token, outside any transfer.
    function exec(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = hookTarget;
        if (target == address(0) || _inHook) return;
        hookTarget = address(0);
        _inHook = true;
        (bool ok, bytes memory ret) = target.call(hookData);
        _inHook = false;
        hookFired = true;
        hookSucceeded = ok;
        hookResult = ret;
    }
}
